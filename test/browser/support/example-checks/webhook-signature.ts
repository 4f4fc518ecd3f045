/**
 * `check=webhook-signature`: exercises docs/events.md's "Verify a delivery in your backend"
 * example, a module exporting `verifyWebhook(headers, rawBody, secrets, nowSeconds?)`, with
 * deliveries signed by the Worker's own signing code (src/adapters/webhook-http/): what the
 * example accepts is what the Worker sends. Run by Node as `node webhook-signature.ts <example file>`.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { generateWebhookSecret } from '../../../../scripts/keygen.ts';
import { standardWebhookHeaders } from '../../../../src/adapters/webhook-http/standard-webhooks.ts';

type VerifyWebhook = (
  headers: Headers,
  rawBody: string,
  secrets: readonly string[],
  nowSeconds?: number,
) => { id: string; type: string; data: Record<string, unknown> };

const [exampleFile] = process.argv.slice(2);
if (!exampleFile) throw new Error('webhook-signature: missing the example file');
const { verifyWebhook } = (await import(pathToFileURL(exampleFile).href)) as { verifyWebhook: VerifyWebhook };
assert.equal(typeof verifyWebhook, 'function', 'the example exports verifyWebhook');

const [oldSecret, newSecret, otherSecret] = [
  generateWebhookSecret(),
  generateWebhookSecret(),
  generateWebhookSecret(),
];
const now = Math.floor(Date.now() / 1000);
const body = JSON.stringify({
  type: 'verification.approved',
  timestamp: new Date().toISOString(),
  data: { verificationId: 'v1', app: 'default', channel: 'sms', to: '+14*******71', country: 'US' },
});
const signed = new Headers(await standardWebhookHeaders('evt_example', now, body, [oldSecret, newSecret]));

// Signed with both secrets during a rotation: a backend holding either one accepts it.
assert.equal(verifyWebhook(signed, body, [newSecret]).type, 'verification.approved');
assert.equal(verifyWebhook(signed, body, [oldSecret]).id, 'evt_example');
// Another secret, another body, an old timestamp, no headers: refused.
assert.throws(() => verifyWebhook(signed, body, [otherSecret]));
assert.throws(() => verifyWebhook(signed, body.replace('approved', 'canceled'), [newSecret]));
assert.throws(() => verifyWebhook(signed, body, [newSecret], now + 6 * 60));
assert.throws(() => verifyWebhook(new Headers(), body, [newSecret]));
console.log('webhook-signature: 6 checks passed');
