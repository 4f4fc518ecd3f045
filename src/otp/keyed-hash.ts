import { base64url } from './base64url.ts';
import type { Transaction } from './transaction.ts';

/**
 * HMAC-SHA-256 under OTP_SECRET. Redis only ever sees these tags: a dump of the store reveals
 * neither codes nor phone numbers, and without the secret a 6-digit code cannot be brute-forced
 * from its tag.
 */
export interface KeyedHasher {
  /** Tag used in Redis keys instead of the phone number. */
  phoneTag(e164: string): Promise<string>;
  /** Tag of a code, bound to its verification (by the id's tag): the same digits for another verification differ. */
  codeTag(verificationTag: string, code: string): Promise<string>;
  /** Tag of a verification id, the record's key: a dump of the store yields no usable id. */
  verificationTag(verificationId: string): Promise<string>;
  /** Tag for rate-limit identifiers that would otherwise be personal data (client IPs, number prefixes). */
  limitTag(kind: string, value: string): Promise<string>;
  /**
   * Tag of a transaction, bound to its verification: the check script compares a verify's
   * transaction with the stored one by these, so the store can refuse a mismatch before the code
   * is consumed while the transaction itself stays sealed.
   */
  transactionTag(verificationTag: string, transaction: Transaction): Promise<string>;
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
    codeTag: (verificationTag, code) => tag(`code\u0000${verificationTag}\u0000${code}`),
    verificationTag: (verificationId) => tag(`verification\u0000${verificationId}`),
    limitTag: (kind, value) => tag(`limit\u0000${kind}\u0000${value}`),
    // The fields as a JSON array: one encoding per transaction whatever characters the payee holds.
    transactionTag: (verificationTag, { amount, currency, payee }) =>
      tag(`transaction\u0000${verificationTag}\u0000${JSON.stringify([amount, currency, payee])}`),
  };
}
