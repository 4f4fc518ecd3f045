import { describe, expect, it } from 'vitest';
import { verifyTwilioSignature } from '../../../src/adapters/twilio/callback-signature.ts';
import type { InboundCallback } from '../../../src/otp/ports.ts';

// The worked example of Twilio's "Webhooks security" guide: auth token 12345, this URL and these
// parameters sign to 0/KCTR6DLpKmkAf8muzZqo1nDgQ= (the same vector twilio-node's tests use).
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
const PARAMS: [string, string][] = [
  ['To', '+18005551212'],
  ['CallSid', 'CA1234567890ABCDE'],
  ['Digits', '1234'],
  ['From', '+12349013030'],
  ['Caller', '+12349013030'],
];

function callback(
  params: [string, string][],
  signature: string | undefined,
  method: 'GET' | 'POST' = 'POST',
) {
  const inbound: InboundCallback = {
    method,
    params,
    header: (name) => (name.toLowerCase() === 'x-twilio-signature' ? signature : undefined),
  };
  return inbound;
}

describe('X-Twilio-Signature', () => {
  it("accepts Twilio's published example, parameters in any order", async () => {
    expect(await verifyTwilioSignature(callback(PARAMS, SIGNATURE), URL, '12345')).toEqual({ kind: 'valid' });
  });

  it('refuses a changed or added parameter, another URL, another token, a short or missing signature, a GET', async () => {
    const changed = PARAMS.map(([key, value]): [string, string] => [key, key === 'Digits' ? '9999' : value]);
    const cases = [
      verifyTwilioSignature(callback(changed, SIGNATURE), URL, '12345'),
      verifyTwilioSignature(callback([...PARAMS, ['Extra', '']], SIGNATURE), URL, '12345'),
      verifyTwilioSignature(callback(PARAMS, SIGNATURE), 'https://mycompany.com/myapp.php', '12345'),
      verifyTwilioSignature(callback(PARAMS, SIGNATURE), URL, '54321'),
    ];
    for (const check of await Promise.all(cases))
      expect(check).toEqual({ kind: 'invalid', reason: 'mismatch' });
    expect(await verifyTwilioSignature(callback(PARAMS, SIGNATURE.slice(0, -2)), URL, '12345')).toEqual({
      kind: 'invalid',
      reason: 'malformed',
    });
    expect(await verifyTwilioSignature(callback(PARAMS, undefined), URL, '12345')).toEqual({
      kind: 'invalid',
      reason: 'missing',
    });
    expect(await verifyTwilioSignature(callback(PARAMS, SIGNATURE, 'GET'), URL, '12345')).toMatchObject({
      kind: 'invalid',
    });
  });
});
