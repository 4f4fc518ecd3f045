/**
 * The caller's `nonce`, echoed in the receipt as OpenID Connect echoes its `nonce`: the customer's
 * backend puts its login-attempt id there at request and refuses a receipt that does not carry
 * it, so a receipt minted for one attempt cannot finish another.
 */
export const MAX_NONCE_LENGTH = 128;

// Visible ASCII, no space: an identifier needs no more, and nothing in it can differ between
// what was sent and what a JSON or header round trip gives back (no trimming, no normalisation).
export const NONCE_PATTERN = /^[\x21-\x7E]{1,128}$/;

export function isReceiptNonce(value: string): boolean {
  return NONCE_PATTERN.test(value);
}
