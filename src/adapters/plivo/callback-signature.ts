import type { CallbackParam, CallbackSignatureProblem, InboundCallback } from '../../otp/ports.ts';

/**
 * Is this delivery-status callback really from Plivo? V3 signs the URL Plivo was given, the
 * parameters and a nonce; the older V2 signs only the URL and a nonce. docs/plivo.md spells out
 * both strings to sign, as Plivo's own SDKs (github.com/plivo/plivo-node) build them.
 *
 * Rules that matter for security:
 * - The URL in the signed string is the one the service gave Plivo (`config.plivo.statusCallbackUrl`),
 *   never the Host or URL of the incoming request, which the sender controls.
 * - V3 is required. Plivo signs every callback with V3, so a request without it is not one of
 *   Plivo's current callbacks, and stripping the V3 header is exactly how a forged body would try
 *   to fall back to V2, which covers no parameters. V2 is checked only when the operator turned it
 *   on for an old account (`acceptV2`, PLIVO_ACCEPT_V2_SIGNATURES) and no V3 header is present: a
 *   V3 that does not match is never rescued by a V2 header on the same request. A V2 signature is
 *   only as good as its nonce being single-use; the caller must enforce that (the record-delivery
 *   script does).
 * - Several comma-separated signatures (Plivo sends two while an auth token is being rotated) are
 *   each tried; a match on any is enough. The comparison is Web Crypto's HMAC verify, which
 *   compares in constant time.
 */

export type SignatureCheck =
  | { kind: 'valid'; version: 'v3' }
  | { kind: 'valid'; version: 'v2'; nonce: string }
  | { kind: 'invalid'; reason: CallbackSignatureProblem };

/** Plivo sends one or two; more is not a real callback, and each costs an HMAC. */
const MAX_SIGNATURES_PER_HEADER = 4;
/** Plivo's nonces are 20 digits; the V2 one ends up in a Redis key, so keep it plain and short. */
const NONCE_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
const HMAC_SHA256_BYTES = 32;

export async function verifyPlivoSignature(
  callback: InboundCallback,
  signedUrl: string,
  authToken: string,
  options: { acceptV2: boolean },
): Promise<SignatureCheck> {
  const v3 = signatureList(callback, 'x-plivo-signature-v3', 'x-plivo-signature-ma-v3');
  if (v3.length > 0) {
    const nonce = callback.header('x-plivo-signature-v3-nonce') ?? '';
    if (!NONCE_SHAPE.test(nonce)) return { kind: 'invalid', reason: 'malformed' };
    const matched = await anyMatches(authToken, v3, v3StringToSign(callback, signedUrl, nonce));
    return matched ? { kind: 'valid', version: 'v3' } : { kind: 'invalid', reason: 'mismatch' };
  }

  const v2 = signatureList(callback, 'x-plivo-signature-v2', 'x-plivo-signature-ma-v2');
  if (v2.length === 0) return { kind: 'invalid', reason: 'missing' };
  if (!options.acceptV2) return { kind: 'invalid', reason: 'v2_not_accepted' };
  const nonce = callback.header('x-plivo-signature-v2-nonce') ?? '';
  if (!NONCE_SHAPE.test(nonce)) return { kind: 'invalid', reason: 'malformed' };
  // The URL without its query, as Plivo's own validators rebuild it.
  const matched = await anyMatches(authToken, v2, `${splitUrl(signedUrl).base}${nonce}`);
  return matched ? { kind: 'valid', version: 'v2', nonce } : { kind: 'invalid', reason: 'mismatch' };
}

/**
 * The V3 string to sign:
 * - POST with parameters: `base?` + [sorted URL query `k=v&…` + `.`] + sorted `keyvalue…` + `.` + nonce
 * - POST without:         `base` + [`?` + sorted URL query] + `.` + nonce
 * - GET:                  `base` + [`?` + sorted `k=v&…` of every query parameter] + `.` + nonce
 * Pairs sort by key, then value, in UTF-16 code unit order (JavaScript's default, as Plivo's Node SDK).
 */
export function v3StringToSign(
  callback: Omit<InboundCallback, 'header'>,
  signedUrl: string,
  nonce: string,
): string {
  const { base, query } = splitUrl(signedUrl);
  if (callback.method === 'GET') {
    // Plivo appends its parameters to the URL it was given, so the request's query holds both.
    return `${callback.params.length > 0 ? `${base}?${asQuery(callback.params)}` : base}.${nonce}`;
  }
  if (callback.params.length === 0)
    return `${query.length > 0 ? `${base}?${asQuery(query)}` : base}.${nonce}`;
  const queryPart = query.length > 0 ? `${asQuery(query)}.` : '';
  const bodyPart = sortPairs(callback.params)
    .map(([key, value]) => `${key}${value}`)
    .join('');
  return `${base}?${queryPart}${bodyPart}.${nonce}`;
}

function splitUrl(url: string): { base: string; query: CallbackParam[] } {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const questionMark = withoutFragment.indexOf('?');
  if (questionMark < 0) return { base: withoutFragment, query: [] };
  return {
    base: withoutFragment.slice(0, questionMark),
    query: [...new URLSearchParams(withoutFragment.slice(questionMark + 1))],
  };
}

function sortPairs(pairs: readonly CallbackParam[]): CallbackParam[] {
  const order = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
  return [...pairs].sort(([keyA, valueA], [keyB, valueB]) => order(keyA, keyB) || order(valueA, valueB));
}

function asQuery(pairs: readonly CallbackParam[]): string {
  return sortPairs(pairs)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function signatureList(callback: InboundCallback, ...headers: string[]): string[] {
  return headers
    .flatMap((name) => (callback.header(name) ?? '').split(','))
    .map((signature) => signature.trim())
    .filter((signature) => signature !== '')
    .slice(0, MAX_SIGNATURES_PER_HEADER * headers.length);
}

async function anyMatches(
  authToken: string,
  signatures: readonly string[],
  stringToSign: string,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(authToken),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const data = new TextEncoder().encode(stringToSign);
  let matched = false;
  for (const signature of signatures) {
    const bytes = decodeBase64(signature);
    if (bytes?.length !== HMAC_SHA256_BYTES) continue;
    // Every candidate is checked, so the time taken does not tell which one matched.
    if (await crypto.subtle.verify('HMAC', key, bytes, data)) matched = true;
  }
  return matched;
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return undefined;
  }
}
