import { deriveAeadKey, GCM_IV_BYTES } from './aead-key.ts';
import { base64url, fromBase64url } from './base64url.ts';
import type { RandomSource } from './ports.ts';

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
  const key = deriveAeadKey(secret, 'voice-answer');
  const encoder = new TextEncoder();
  return {
    async seal(answer, expiresAtMs) {
      const iv = new Uint8Array(GCM_IV_BYTES);
      random.fill(iv);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(String(expiresAtMs)) },
        await key,
        encoder.encode(JSON.stringify([answer.verificationId, answer.code, answer.locale])),
      );
      const out = new Uint8Array(GCM_IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), GCM_IV_BYTES);
      return base64url(out);
    },
    async open(token, expiresAtMs) {
      const bytes = token.length <= 512 ? fromBase64url(token) : undefined;
      if (!bytes || bytes.length <= GCM_IV_BYTES) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: bytes.slice(0, GCM_IV_BYTES),
            additionalData: encoder.encode(String(expiresAtMs)),
          },
          await key,
          bytes.slice(GCM_IV_BYTES),
        );
        const [verificationId, code, locale] = JSON.parse(new TextDecoder().decode(plain)) as string[];
        if (verificationId === undefined || code === undefined || locale === undefined) return undefined;
        return { verificationId, code, locale };
      } catch {
        return undefined;
      }
    },
  };
}
