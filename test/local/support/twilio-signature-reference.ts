// An independent reading of Twilio's webhook signature, written from the documented steps
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security) and sharing no code with the
// sandbox's signer: take the full URL Twilio requested, query included; for a POST, sort the
// parameters by name and append each name and value with no delimiters; HMAC-SHA1 that string
// keyed with the auth token (Web Crypto here, node:crypto there); base64 the result.

export type Field = [string, string];

export function referenceStringToSign(fullUrl: string, postFields: readonly Field[]): string {
  const sorted = [...postFields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return fullUrl + sorted.map(([name, value]) => name + value).join('');
}

export async function referenceSignature(authToken: string, fullUrl: string, postFields: readonly Field[]) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(authToken),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(referenceStringToSign(fullUrl, postFields)),
  );
  return Buffer.from(mac).toString('base64');
}
