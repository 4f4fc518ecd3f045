// The Standard Webhooks check as a receiver does it (https://www.standardwebhooks.com/), written
// apart from the Worker's signing code with Node's crypto, so the inbox is a second opinion.

import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureVerdict = 'valid' | 'invalid' | 'unsigned';

/** Any `v1,<base64>` entry of `webhook-signature` that matches HMAC-SHA256 over `id.timestamp.body` with one secret. */
export function checkStandardWebhook(
  headers: { id?: string | undefined; timestamp?: string | undefined; signature?: string | undefined },
  body: string,
  secrets: readonly string[],
): SignatureVerdict {
  if (!headers.id || !headers.timestamp || !headers.signature) return 'unsigned';
  const signed = `${headers.id}.${headers.timestamp}.${body}`;
  const presented = headers.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  for (const secret of secrets) {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key).update(signed).digest();
    if (presented.some((mac) => mac.length === expected.length && timingSafeEqual(mac, expected)))
      return 'valid';
  }
  return 'invalid';
}
