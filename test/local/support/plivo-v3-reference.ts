// An independent reading of Plivo's V3 signing rules (docs/local-stack.md), written apart from the
// sandbox's signer so a test can check what the sandbox sends with something that shares no code
// with it: Web Crypto here, node:crypto there.

export type Pair = [string, string];

function byKeyThenValue([keyA, valueA]: Pair, [keyB, valueB]: Pair): number {
  if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  if (valueA === valueB) return 0;
  return valueA < valueB ? -1 : 1;
}

/** The V3 string to sign, from the reference: configured URL, method, the parameters Plivo sent, nonce. */
export function referenceV3StringToSign(
  configuredUrl: string,
  method: 'GET' | 'POST',
  params: Pair[],
  nonce: string,
): string {
  const questionMark = configuredUrl.indexOf('?');
  const base = questionMark < 0 ? configuredUrl : configuredUrl.slice(0, questionMark);
  const query: Pair[] =
    questionMark < 0 ? [] : [...new URLSearchParams(configuredUrl.slice(questionMark + 1))];
  const asQuery = (pairs: Pair[]) =>
    [...pairs]
      .sort(byKeyThenValue)
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
  if (method === 'GET') {
    const merged = [...query, ...params];
    return `${base}${merged.length > 0 ? `?${asQuery(merged)}` : ''}.${nonce}`;
  }
  if (params.length === 0) return `${base}${query.length > 0 ? `?${asQuery(query)}` : ''}.${nonce}`;
  const body = [...params]
    .sort(byKeyThenValue)
    .map(([key, value]) => key + value)
    .join('');
  return `${base}?${query.length > 0 ? `${asQuery(query)}.` : ''}${body}.${nonce}`;
}

/** base64(HMAC-SHA256(token, payload)) with Web Crypto, deliberately not the node:crypto the sandbox uses. */
export async function hmacBase64(token: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(token),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload));
  return Buffer.from(signature).toString('base64');
}
