/**
 * HMAC-SHA-256 under OTP_SECRET. Redis only ever sees these tags: a dump of the store reveals
 * neither codes nor phone numbers, and without the secret a 6-digit code cannot be brute-forced
 * from its tag.
 */
export interface KeyedHasher {
  /** Tag used in Redis keys instead of the phone number. */
  phoneTag(e164: string): Promise<string>;
  /** Tag of a code, bound to the number it was sent to: the same digits for another number differ. */
  codeTag(e164: string, code: string): Promise<string>;
  /** Tag for rate-limit identifiers that would otherwise be personal data (client IPs, number prefixes). */
  limitTag(kind: string, value: string): Promise<string>;
}

export function createKeyedHasher(secret: string): KeyedHasher {
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  async function tag(message: string): Promise<string> {
    const mac = await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(message));
    return base64url(new Uint8Array(mac));
  }
  return {
    // Distinct prefixes keep the two uses apart: a phone tag can never equal a code tag.
    phoneTag: (e164) => tag(`phone\u0000${e164}`),
    codeTag: (e164, code) => tag(`code\u0000${e164}\u0000${code}`),
    limitTag: (kind, value) => tag(`limit\u0000${kind}\u0000${value}`),
  };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
