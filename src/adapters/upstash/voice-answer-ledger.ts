import type { VoiceAnswerLedger } from '../../otp/ports.ts';
import { numberKeys, verificationKey, voiceAnswerKey } from './keys.ts';
import { CLAIM_VOICE_ANSWER_SCRIPT } from './scripts/claim-voice-answer.ts';
import { type StoreCalls, unexpectedReply } from './store-call.ts';

export function createUpstashVoiceAnswerLedger(calls: StoreCalls, keyPrefix: string): VoiceAnswerLedger {
  return {
    async claim(ref, answer) {
      const reply = await calls.script(
        CLAIM_VOICE_ANSWER_SCRIPT,
        [
          verificationKey(keyPrefix, ref.verificationTag),
          numberKeys(keyPrefix, ref.phoneTag, ref.app).active,
          voiceAnswerKey(keyPrefix, ref.verificationTag),
        ],
        [
          ref.verificationTag,
          answer.codeHash,
          answer.nowMs,
          Math.max(1, answer.expiresAtMs - answer.nowMs),
          answer.callUuid,
        ],
      );
      if (reply === 'speak' || reply === 'used' || reply === 'gone') return reply;
      throw unexpectedReply(String(reply));
    },
  };
}
