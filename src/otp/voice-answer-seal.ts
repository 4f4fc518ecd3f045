import type { RandomSource } from './ports.ts';
import { createSealedBox } from './sealed-box.ts';

/** What a call's answer URL must carry for the Worker to speak the code, and nothing readable. */
export interface VoiceAnswer {
  verificationId: string;
  code: string;
  /** The language the digits are spoken in (a BCP 47 tag of the SMS templates). */
  locale: string;
}

export interface VoiceAnswerSeal {
  seal(answer: VoiceAnswer, expiresAtMs: number): Promise<string>;
  /** Undefined when `token` was not sealed with this expiry under this secret. */
  open(token: string, expiresAtMs: number): Promise<VoiceAnswer | undefined>;
}

/**
 * The answer URL's token: AES-256-GCM under a key derived from OTP_SECRET (HKDF info
 * `voice-answer`), the expiry (in the URL beside it) as additional data, so a token cannot be
 * given a longer life. Plivo logs request URLs: the code and the verification id (a capability)
 * travel only inside the ciphertext. base64url(nonce || ciphertext || tag).
 */
export function createVoiceAnswerSeal(secret: string, random: RandomSource): VoiceAnswerSeal {
  // A URL segment: longer than any token this service makes is not one.
  const box = createSealedBox(secret, 'voice-answer', random, 512);
  return {
    seal: (answer, expiresAtMs) =>
      box.seal(JSON.stringify([answer.verificationId, answer.code, answer.locale]), String(expiresAtMs)),
    async open(token, expiresAtMs) {
      const plain = await box.open(token, String(expiresAtMs));
      if (plain === undefined) return undefined;
      const [verificationId, code, locale] = JSON.parse(plain) as string[];
      if (verificationId === undefined || code === undefined || locale === undefined) return undefined;
      return { verificationId, code, locale };
    },
  };
}
