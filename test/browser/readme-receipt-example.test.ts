import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, latestSmsCode, startDevStack } from './support/dev-stack.ts';

type Transaction = { amount: string; currency: string; payee: string };
type VerifiedPhone = (
  receipt: string,
  attempt: { id: string; verificationId: string; transaction?: Transaction },
) => Promise<string>;

const ACME: Transaction = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };
const README_JWKS_URL = 'https://otp.example.com/.well-known/jwks.json';
const TEST_NUMBER = '+15005550006';

/**
 * README's "Verify a receipt in your backend" snippet, as a reader copies it: only the JWKS URL
 * points at this Worker. Written next to the repository's node_modules so `jose` resolves.
 */
async function readmeExample(workerUrl: string): Promise<VerifiedPhone> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Verify a receipt in your backend'));
  const snippet = section.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!snippet?.includes(README_JWKS_URL)) throw new Error("README's receipt example not found");
  const directory = new URL('../artifacts/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const file = new URL(`readme-receipt-example-${process.pid}.ts`, directory);
  writeFileSync(file, snippet.replace(README_JWKS_URL, `${workerUrl}/.well-known/jwks.json`));
  const loaded = (await import(pathToFileURL(file.pathname).href)) as { verifiedPhone: VerifiedPhone };
  return loaded.verifiedPhone;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status} ${JSON.stringify(json)}`);
  return json;
}

describe("README's receipt check, run against a real Worker's receipts (wrangler dev)", () => {
  let stack: DevStack;
  let verifiedPhone: VerifiedPhone;
  beforeAll(async () => {
    // The snippet's own issuer and audience: the defaults a reader's deployment would set.
    stack = await startDevStack({
      RECEIPT_ISSUER: 'otp-edge',
      RECEIPT_AUDIENCE: 'my-backend',
      TEST_NUMBERS: `${TEST_NUMBER}:000000`,
    });
    verifiedPhone = await readmeExample(stack.workerUrl);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function approvedReceipt(phone: string, nonce: string, code?: string) {
    const { verificationId } = (await postJson(`${stack.workerUrl}/otp/request`, {
      phone,
      nonce,
      transaction: ACME,
    })) as { verificationId: string };
    const { receipt } = (await postJson(`${stack.workerUrl}/otp/verify`, {
      verificationId,
      code: code ?? (await latestSmsCode(stack.sandboxUrl, phone)),
    })) as { receipt: string };
    return { verificationId, receipt };
  }

  it('accepts the receipt of its own attempt and payment, and refuses it for any other', async () => {
    const phone = `+1415${200 + randomInt(300)}${String(randomInt(10_000)).padStart(4, '0')}`;
    const { verificationId, receipt } = await approvedReceipt(phone, 'login-7f3a9c2e');
    const attempt = { id: 'login-7f3a9c2e', verificationId, transaction: ACME };

    expect(await verifiedPhone(receipt, attempt)).toBe(phone);
    expect(await verifiedPhone(receipt, { id: attempt.id, verificationId })).toBe(phone);
    await expect(verifiedPhone(receipt, { ...attempt, id: 'login-other' })).rejects.toThrow(
      'receipt for another attempt',
    );
    await expect(verifiedPhone(receipt, { ...attempt, verificationId: 'another' })).rejects.toThrow(
      'receipt for another attempt',
    );
    await expect(
      verifiedPhone(receipt, { ...attempt, transaction: { ...ACME, amount: '1250.01' } }),
    ).rejects.toThrow('receipt for another payment');
  });

  it('refuses a test number’s receipt', async () => {
    const { verificationId, receipt } = await approvedReceipt(TEST_NUMBER, 'review-1', '000000');
    await expect(
      verifiedPhone(receipt, { id: 'review-1', verificationId, transaction: ACME }),
    ).rejects.toThrow('a test number');
  });
});
