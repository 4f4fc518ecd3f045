import { deriveAeadKey, GCM_IV_BYTES } from './aead-key.ts';
import { base64url, fromBase64url } from './base64url.ts';
import type { RandomSource } from './ports.ts';

/** Text sealed for one purpose; `context` is authenticated, not hidden, and must match to open. */
export interface SealedBox {
  seal(plain: string, context: string): Promise<string>;
  /** Undefined when `sealed` was not sealed for this purpose and context under this secret. */
  open(sealed: string, context: string): Promise<string | undefined>;
}

/**
 * AES-256-GCM under a key derived from OTP_SECRET for one purpose (HKDF `info`, ./aead-key.ts),
 * `context` as additional data. The nonce is random per seal; the result is base64url(nonce ||
 * ciphertext || tag). `maxLength` refuses longer input before any decoding work.
 */
export function createSealedBox(
  secret: string,
  purpose: string,
  random: RandomSource,
  maxLength = Number.POSITIVE_INFINITY,
): SealedBox {
  const key = deriveAeadKey(secret, purpose);
  const encoder = new TextEncoder();
  return {
    async seal(plain, context) {
      const iv = new Uint8Array(GCM_IV_BYTES);
      random.fill(iv);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
        await key,
        encoder.encode(plain),
      );
      const out = new Uint8Array(GCM_IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), GCM_IV_BYTES);
      return base64url(out);
    },
    async open(sealed, context) {
      const bytes = sealed.length <= maxLength ? fromBase64url(sealed) : undefined;
      if (!bytes || bytes.length <= GCM_IV_BYTES) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.slice(0, GCM_IV_BYTES), additionalData: encoder.encode(context) },
          await key,
          bytes.slice(GCM_IV_BYTES),
        );
        return new TextDecoder().decode(plain);
      } catch {
        return undefined;
      }
    },
  };
}
