import { DEFAULT_APP_ID } from './app-id.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { Clock, VoiceAnswerClaim, VoiceAnswerLedger } from './ports.ts';
import type { VerificationIds } from './verification-id.ts';
import { openVerificationRef } from './verification-ref.ts';
import type { VoiceAnswerSeal } from './voice-answer-seal.ts';
import { type VoicePrompt, voicePrompt } from './voice-prompt.ts';

export interface AnswerCallDeps {
  voiceAnswers: VoiceAnswerSeal;
  voiceAnswerLedger: VoiceAnswerLedger;
  verificationIds: VerificationIds;
  hasher: KeyedHasher;
  clock: Clock;
  /** An app's name (the call speaks the verification's app's); undefined: no such app. */
  forApp(app: string): { message: { appName: string } } | undefined;
}

/** From the answer URL (`/{expiresAtMs}/{token}`) and the signed request's CallUUID. */
export interface CallAnswerRequest {
  expiresAtMs: number;
  token: string;
  callUuid: string;
  /** The provider says a machine (voicemail) picked up. */
  machine: boolean;
}

/** `silent`: the call hangs up without a word; `reason` is for the log only. */
export type CallAnswerOutcome =
  | { kind: 'speak'; prompt: VoicePrompt }
  | { kind: 'silent'; reason: 'expired' | 'unreadable' | 'machine' | Exclude<VoiceAnswerClaim, 'speak'> };

/**
 * What a code call says when the callee picks up: the code of the URL's sealed token, once, while
 * the code is alive and its verification still pending with that very code, and never to a
 * voicemail (it would keep the code in clear for whoever reaches the mailbox; the code is not spent
 * then, and the user can ask for it another way). Anything else speaks nothing, so a replayed,
 * stale or forged URL never reads a code to whoever answers.
 */
export async function answerCall(
  request: CallAnswerRequest,
  deps: AnswerCallDeps,
): Promise<CallAnswerOutcome> {
  if (request.machine) return { kind: 'silent', reason: 'machine' };
  const nowMs = deps.clock.nowMs();
  if (!Number.isSafeInteger(request.expiresAtMs) || nowMs >= request.expiresAtMs) {
    return { kind: 'silent', reason: 'expired' };
  }
  const answer = await deps.voiceAnswers.open(request.token, request.expiresAtMs);
  const ref =
    answer && (await openVerificationRef(answer.verificationId, deps.verificationIds, deps.hasher, 'any'));
  // The verification's app names itself in the call; an app removed from APPS since speaks nothing.
  const appName = ref && deps.forApp(ref.app ?? DEFAULT_APP_ID)?.message.appName;
  if (!answer || !ref || appName === undefined) return { kind: 'silent', reason: 'unreadable' };
  const claim = await deps.voiceAnswerLedger.claim(ref, {
    codeHash: await deps.hasher.codeTag(ref.verificationTag, answer.code),
    callUuid: request.callUuid,
    nowMs,
    expiresAtMs: request.expiresAtMs,
  });
  if (claim !== 'speak') return { kind: 'silent', reason: claim };
  return { kind: 'speak', prompt: voicePrompt(answer.code, answer.locale, appName) };
}
