/**
 * `check=verified-phone`: exercises docs/api.md's "Verify a receipt in your backend" example, a
 * module exporting `verifiedPhone(receipt, attempt)`, with real receipts from the Worker under
 * test. Run by Node as `node verified-phone.ts <example file>`, with the example's own environment
 * (OTP_EDGE_URL and the issuer and audience it names), EXAMPLE_SANDBOX_URL and
 * EXAMPLE_TEST_NUMBER (`phone:code`, configured in the Worker's TEST_NUMBERS).
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { codeInInbox } from '../inbox-code.ts';

type Transaction = { amount: string; currency: string; payee: string };
type VerifiedPhone = (
  receipt: string,
  attempt: { id: string; verificationId: string; transaction?: Transaction },
) => Promise<string>;

const [exampleFile] = process.argv.slice(2);
const workerUrl = process.env.OTP_EDGE_URL ?? '';
const sandboxUrl = process.env.EXAMPLE_SANDBOX_URL ?? '';
const [testPhone = '', testCode = ''] = (process.env.EXAMPLE_TEST_NUMBER ?? '').split(':');
if (!exampleFile || !workerUrl || !sandboxUrl || !testPhone)
  throw new Error('verified-phone: missing arguments');

const { verifiedPhone } = (await import(pathToFileURL(exampleFile).href)) as { verifiedPhone: VerifiedPhone };
assert.equal(typeof verifiedPhone, 'function', 'the example exports verifiedPhone');

const ACME: Transaction = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };

async function postJson(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${workerUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function approvedReceipt(phone: string, nonce: string, code?: string) {
  const { verificationId } = (await postJson('/otp/request', { phone, nonce, transaction: ACME })) as {
    verificationId: string;
  };
  const { receipt } = (await postJson('/otp/verify', {
    verificationId,
    code: code ?? (await codeInInbox(sandboxUrl, phone)),
  })) as { receipt: string };
  return { verificationId, receipt };
}

// Its own attempt and payment: accepted; any other attempt or payment: refused.
const phone = `+1415${200 + randomInt(300)}${String(randomInt(10_000)).padStart(4, '0')}`;
const { verificationId, receipt } = await approvedReceipt(phone, 'login-7f3a9c2e');
const attempt = { id: 'login-7f3a9c2e', verificationId, transaction: ACME };
assert.equal(await verifiedPhone(receipt, attempt), phone);
assert.equal(await verifiedPhone(receipt, { id: attempt.id, verificationId }), phone);
await assert.rejects(
  verifiedPhone(receipt, { ...attempt, id: 'login-other' }),
  /receipt for another attempt/,
);
await assert.rejects(
  verifiedPhone(receipt, { ...attempt, verificationId: 'another' }),
  /receipt for another attempt/,
);
await assert.rejects(
  verifiedPhone(receipt, { ...attempt, transaction: { ...ACME, amount: '1250.01' } }),
  /receipt for another payment/,
);
// Not a receipt of this Worker: refused by the signature check.
const [header, payload] = receipt.split('.');
await assert.rejects(verifiedPhone(`${header}.${payload}.${'A'.repeat(86)}`, attempt));

// A configured test number's receipt: refused outside the reader's tests.
const review = await approvedReceipt(testPhone, 'review-1', testCode);
await assert.rejects(
  verifiedPhone(review.receipt, { id: 'review-1', verificationId: review.verificationId, transaction: ACME }),
  /a test number/,
);
console.log('verified-phone: 7 checks passed');
