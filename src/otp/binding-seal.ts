import { deriveAeadKey, GCM_IV_BYTES } from './aead-key.ts';
import { base64url, fromBase64url } from './base64url.ts';
import type { RandomSource, VerificationBinding } from './ports.ts';

export interface BindingSeal {
  seal(verificationId: string, binding: VerificationBinding): Promise<string>;
  /** Undefined when `sealed` was not sealed for this id under this secret. */
  open(verificationId: string, sealed: string): Promise<VerificationBinding | undefined>;
}

/**
 * AES-256-GCM under a key derived from OTP_SECRET (HKDF info `verification-seal`), the
 * verification id as additional data: a sealed binding copied to another record does not open
 * there. The nonce is random per seal. Stored as base64url(nonce || ciphertext || tag).
 */
export function createBindingSeal(secret: string, random: RandomSource): BindingSeal {
  const key = deriveAeadKey(secret, 'verification-seal');
  const encoder = new TextEncoder();
  return {
    async seal(verificationId, binding) {
      const iv = new Uint8Array(GCM_IV_BYTES);
      random.fill(iv);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(verificationId) },
        await key,
        encoder.encode(JSON.stringify(binding)),
      );
      const out = new Uint8Array(GCM_IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), GCM_IV_BYTES);
      return base64url(out);
    },
    async open(verificationId, sealed) {
      const bytes = fromBase64url(sealed);
      if (!bytes || bytes.length <= GCM_IV_BYTES) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: bytes.slice(0, GCM_IV_BYTES),
            additionalData: encoder.encode(verificationId),
          },
          await key,
          bytes.slice(GCM_IV_BYTES),
        );
        return JSON.parse(new TextDecoder().decode(plain)) as VerificationBinding;
      } catch {
        return undefined;
      }
    },
  };
}
