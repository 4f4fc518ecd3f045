/**
 * An AES-256-GCM key derived from OTP_SECRET with HKDF-SHA-256 (RFC 5869), one per purpose: the
 * `info` label keeps keys of different uses apart, so a value sealed for one use never opens as
 * another. Rotating OTP_SECRET makes everything sealed under the old one unreadable, like the HMAC
 * tags.
 */
export function deriveAeadKey(secret: string, info: string): Promise<CryptoKey> {
  return crypto.subtle
    .importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey'])
    .then((material) =>
      crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
}

/** AES-GCM's recommended nonce size. */
export const GCM_IV_BYTES = 12;
