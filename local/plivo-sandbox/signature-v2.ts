// Plivo's older V2 callback signature (X-Plivo-Signature-V2), sent alongside V3 for receivers that
// fall back to it: base64(HMAC-SHA256(auth token, url + nonce)). The URL is taken without its query
// string, as Plivo's own validator (plivo-python `validate_signature`) rebuilds it from scheme, host
// and path only; for the query-less URLs services normally register, the two readings agree.

import { hmacSha256Base64, splitUrl } from './signature-v3.ts';

export function signatureV2Payload(url: string, nonce: string): string {
  return splitUrl(url).base + nonce;
}

export function signatureV2(authToken: string, url: string, nonce: string): string {
  return hmacSha256Base64(authToken, signatureV2Payload(url, nonce));
}
