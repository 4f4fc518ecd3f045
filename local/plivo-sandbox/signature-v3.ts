// Plivo's V3 callback signature (X-Plivo-Signature-V3), built as Plivo's SDKs build it (rules and
// sources in docs/local-stack.md):
//   POST with parameters: base + "?" + [sorted query "k=v&…" + "."] + sorted body "keyvalue…" + "." + nonce
//   POST without:         base + ["?" + sorted query] + "." + nonce
//   GET:                  base + "?" + sorted (query + parameters) "k=v&…" + "." + nonce
// where base is the URL as configured without its query. Values are signed decoded (as a receiver
// reads them from URLSearchParams), and pairs sort by key then value in UTF-16 code unit order,
// which is JavaScript's default sort and what Plivo's Node SDK uses.

import { createHmac, randomInt } from 'node:crypto';
import type { FormParam, WebhookMethod } from '../support/webhook-request.ts';

export type CallbackParam = FormParam;
export type SignedMethod = WebhookMethod;

export interface SplitUrl {
  /** scheme://host[:port]/path exactly as written, no normalisation: signatures compare strings. */
  base: string;
  query: CallbackParam[];
}

export function splitUrl(url: string): SplitUrl {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const questionMark = withoutFragment.indexOf('?');
  if (questionMark < 0) return { base: withoutFragment, query: [] };
  return {
    base: withoutFragment.slice(0, questionMark),
    query: [...new URLSearchParams(withoutFragment.slice(questionMark + 1))],
  };
}

export function sortParams(params: readonly CallbackParam[]): CallbackParam[] {
  return [...params].sort(([keyA, valueA], [keyB, valueB]) =>
    keyA === keyB ? compareCodeUnits(valueA, valueB) : compareCodeUnits(keyA, keyB),
  );
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function asQuery(params: readonly CallbackParam[]): string {
  return sortParams(params)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** The exact string that gets HMAC'd; exported so tests and debugging can see it. */
export function signatureV3Payload(
  url: string,
  method: SignedMethod,
  params: readonly CallbackParam[],
  nonce: string,
): string {
  const { base, query } = splitUrl(url);
  if (method === 'GET') {
    const merged = [...query, ...params];
    return `${merged.length > 0 ? `${base}?${asQuery(merged)}` : base}.${nonce}`;
  }
  if (params.length === 0) return `${query.length > 0 ? `${base}?${asQuery(query)}` : base}.${nonce}`;
  const queryPart = query.length > 0 ? `${asQuery(query)}.` : '';
  const bodyPart = sortParams(params)
    .map(([key, value]) => `${key}${value}`)
    .join('');
  return `${base}?${queryPart}${bodyPart}.${nonce}`;
}

export function hmacSha256Base64(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload, 'utf8').digest('base64');
}

export function signatureV3(
  authToken: string,
  url: string,
  method: SignedMethod,
  params: readonly CallbackParam[],
  nonce: string,
): string {
  return hmacSha256Base64(authToken, signatureV3Payload(url, method, params, nonce));
}

/** Plivo's nonces are 20 decimal digits; any unpredictable string would verify the same way. */
export function newNonce(): string {
  let nonce = '';
  for (let index = 0; index < 20; index += 1) nonce += String(randomInt(10));
  return nonce;
}
