import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSigningKey } from '../../src/receipt/signing-key.ts';

// `npm run keygen` is how a first deploy (README "Deploy", step 4) gets both of its secrets.

const KEYGEN = path.resolve(import.meta.dirname, '../../scripts/keygen.ts');

function keygen(...args: string[]) {
  const run = spawnSync(process.execPath, [KEYGEN, ...args], { encoding: 'utf8' });
  const values = new Map(
    [...run.stdout.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((match) => [
      match[1] ?? '',
      (match[2] ?? '').replace(/^'(.*)'$/, '$1'),
    ]),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, values };
}

function expectUsableKey(json: string | undefined) {
  const parsed = parseSigningKey(json ?? '');
  expect(parsed.ok, json).toBe(true);
}

describe('npm run keygen', () => {
  it('prints both secrets a deployment needs by default, as dotenv lines', () => {
    const { status, values } = keygen();
    expect(status).toBe(0);
    expect([...values.keys()].sort()).toEqual(['OTP_SECRET', 'RECEIPT_SIGNING_KEY']);
    expect(values.get('OTP_SECRET')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expectUsableKey(values.get('RECEIPT_SIGNING_KEY'));
  });

  it('makes fresh secrets on every run', () => {
    expect(keygen().values.get('OTP_SECRET')).not.toBe(keygen().values.get('OTP_SECRET'));
  });

  it('still takes --otp-secret (both, as before the default changed)', () => {
    const { status, values } = keygen('--otp-secret');
    expect(status).toBe(0);
    expect([...values.keys()].sort()).toEqual(['OTP_SECRET', 'RECEIPT_SIGNING_KEY']);
  });

  it('--receipt-key-only prints the signing key alone, for a rotation that must keep OTP_SECRET', () => {
    const { status, values } = keygen('--receipt-key-only');
    expect(status).toBe(0);
    expect([...values.keys()]).toEqual(['RECEIPT_SIGNING_KEY']);
    expectUsableKey(values.get('RECEIPT_SIGNING_KEY'));
  });

  it('refuses an unknown option, naming the ones it knows, and prints no secret', () => {
    const { status, stdout, stderr } = keygen('--otp');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown option --otp');
    expect(stderr).toContain('--receipt-key-only');
  });
});
