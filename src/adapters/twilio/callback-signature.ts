import type { CallbackSignatureProblem, InboundCallback } from '../../otp/ports.ts';

/**
 * Is this callback really from Twilio? `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, URL
 * followed by every POST parameter sorted by name, name then value, no separators))
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security; twilio-node
 * `src/webhooks/webhooks.ts`, `getExpectedTwilioSignature`). docs/twilio.md has the details.
 *
 * Rules that matter for security:
 * - The URL is the one the service gave Twilio (`signedUrl`: PUBLIC_BASE_URL + the path), never
 *   the Host or URL of the incoming request, which the sender controls.
 * - Every parameter received is signed, unknown ones too: one left out or added breaks the match.
 * - Twilio may sign the URL with or without its port (twilio-node tries both, "since signature
 *   generation on the back end is inconsistent"): both forms of the one configured URL are tried.
 * - The comparison is Web Crypto's HMAC verify, in constant time; every candidate is checked.
 * - The signature covers no time and no nonce: a genuine callback sent again is the same report
 *   again, which the store de-duplicates (record-delivery); it cannot vouch for any other body.
 */
const HMAC_SHA1_BYTES = 20;
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{27}=$/;

export async function verifyTwilioSignature(
  callback: InboundCallback,
  signedUrl: string,
  authToken: string,
): Promise<{ kind: 'valid' } | { kind: 'invalid'; reason: CallbackSignatureProblem }> {
  // Status callbacks are asked for by POST (the default StatusCallbackMethod); a GET would sign a
  // query this service never configured.
  if (callback.method !== 'POST') return { kind: 'invalid', reason: 'malformed' };
  const header = callback.header('x-twilio-signature');
  if (header === undefined || header.trim() === '') return { kind: 'invalid', reason: 'missing' };
  const signature = header.trim();
  if (!SIGNATURE_SHAPE.test(signature)) return { kind: 'invalid', reason: 'malformed' };
  const bytes = Uint8Array.from(atob(signature), (character) => character.charCodeAt(0));
  if (bytes.length !== HMAC_SHA1_BYTES) return { kind: 'invalid', reason: 'malformed' };

  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(authToken),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['verify'],
  );
  const signedParams = sortedParams(callback.params);
  let matched = false;
  for (const url of urlForms(signedUrl)) {
    const data = new TextEncoder().encode(url + signedParams);
    if (await crypto.subtle.verify('HMAC', key, bytes, data)) matched = true;
  }
  return matched ? { kind: 'valid' } : { kind: 'invalid', reason: 'mismatch' };
}

/** Names sorted (JavaScript's default order, as twilio-node), each value of a repeated name sorted. */
export function sortedParams(params: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
  return [...byName.keys()]
    .sort()
    .flatMap((name) => (byName.get(name) ?? []).sort().map((value) => name + value))
    .join('');
}

/** The configured URL as given, and with its default port written out or left out. */
function urlForms(signedUrl: string): string[] {
  const url = new URL(signedUrl);
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  if (url.port === '') {
    const withPort = `${url.protocol}//${url.username ? `${url.username}:${url.password}@` : ''}${url.hostname}:${defaultPort}${url.pathname}${url.search}`;
    return [signedUrl, withPort];
  }
  return [signedUrl];
}
