import { describe, expect, it } from 'vitest';
import { v3StringToSign, verifyPlivoSignature } from '../../../src/adapters/plivo/callback-signature.ts';
import type { CallbackParam } from '../../../src/otp/ports.ts';

const TOKEN = 'unit-test-auth-token';
const URL = 'https://otp.example.com/webhooks/plivo/status';
const PARAMS: CallbackParam[] = [
  ['To', 'Y'],
  ['Status', 'delivered'],
  ['From', 'X'],
];

async function sign(payload: string, token = TOKEN): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(token),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload)));
  return btoa(String.fromCharCode(...mac));
}

const V3_ONLY = { acceptV2: false };

function callback(headers: Record<string, string>, params = PARAMS, method: 'GET' | 'POST' = 'POST') {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method, params, header: (name: string) => lower.get(name.toLowerCase()) };
}

describe('Plivo V3 string to sign (docs/plivo.md)', () => {
  it("matches the reference's worked example for a POST", () => {
    expect(v3StringToSign({ method: 'POST', params: PARAMS }, URL, '12345nonce')).toBe(
      'https://otp.example.com/webhooks/plivo/status?FromXStatusdeliveredToY.12345nonce',
    );
  });

  it('puts the configured query first, sorted, then the sorted body', () => {
    expect(v3StringToSign({ method: 'POST', params: PARAMS }, `${URL}?b=2&a=1`, 'n')).toBe(
      `${URL}?a=1&b=2.FromXStatusdeliveredToY.n`,
    );
  });

  it('for a GET, signs every query parameter as sorted k=v pairs', () => {
    expect(v3StringToSign({ method: 'GET', params: PARAMS }, URL, 'n')).toBe(
      `${URL}?From=X&Status=delivered&To=Y.n`,
    );
  });
});

describe('verifyPlivoSignature', () => {
  it('accepts a match on any of several comma-separated signatures, in the Ma-V3 header too', async () => {
    const good = await sign(v3StringToSign({ method: 'POST', params: PARAMS }, URL, 'n1'));
    const stale = await sign(v3StringToSign({ method: 'POST', params: PARAMS }, URL, 'n1'), 'old-token');
    for (const name of ['X-Plivo-Signature-V3', 'X-Plivo-Signature-Ma-V3']) {
      const check = await verifyPlivoSignature(
        callback({ [name]: `${stale}, ${good}`, 'X-Plivo-Signature-V3-Nonce': 'n1' }),
        URL,
        TOKEN,
        V3_ONLY,
      );
      expect(check).toEqual({ kind: 'valid', version: 'v3' });
    }
  });

  it('refuses a signature made with another token, for another URL, or over other parameters', async () => {
    const cases = [
      await sign(v3StringToSign({ method: 'POST', params: PARAMS }, URL, 'n1'), 'another-token'),
      await sign(v3StringToSign({ method: 'POST', params: PARAMS }, `${URL}/`, 'n1')),
      await sign(v3StringToSign({ method: 'POST', params: [...PARAMS, ['Extra', '1']] }, URL, 'n1')),
    ];
    for (const signature of cases) {
      const check = await verifyPlivoSignature(
        callback({ 'X-Plivo-Signature-V3': signature, 'X-Plivo-Signature-V3-Nonce': 'n1' }),
        URL,
        TOKEN,
        V3_ONLY,
      );
      expect(check).toEqual({ kind: 'invalid', reason: 'mismatch' });
    }
  });

  it('refuses a V2-only callback unless V2 is turned on: V2 does not sign the body', async () => {
    const v2 = await sign(`${URL}n2`);
    const v2Headers = { 'X-Plivo-Signature-V2': v2, 'X-Plivo-Signature-V2-Nonce': 'n2' };
    expect(await verifyPlivoSignature(callback(v2Headers), URL, TOKEN, V3_ONLY)).toEqual({
      kind: 'invalid',
      reason: 'v2_not_accepted',
    });
    // The same V2 header fits any body, which is why it is off by default.
    const forged = callback(v2Headers, [['Status', 'failed']]);
    expect(await verifyPlivoSignature(forged, URL, TOKEN, { acceptV2: true })).toMatchObject({
      kind: 'valid',
    });
    expect(await verifyPlivoSignature(forged, URL, TOKEN, V3_ONLY)).toMatchObject({ kind: 'invalid' });
  });

  it('with V2 turned on, falls back to V2 (URL without query + nonce) only when no V3 header is present', async () => {
    const v2 = await sign(`${URL}n2`);
    const v2Headers = { 'X-Plivo-Signature-V2': v2, 'X-Plivo-Signature-V2-Nonce': 'n2' };
    expect(await verifyPlivoSignature(callback(v2Headers), `${URL}?q=1`, TOKEN, { acceptV2: true })).toEqual({
      kind: 'valid',
      version: 'v2',
      nonce: 'n2',
    });
    const withBadV3 = callback({
      ...v2Headers,
      'X-Plivo-Signature-V3': v2,
      'X-Plivo-Signature-V3-Nonce': 'n3',
    });
    expect(await verifyPlivoSignature(withBadV3, URL, TOKEN, { acceptV2: true })).toEqual({
      kind: 'invalid',
      reason: 'mismatch',
    });
  });

  it('refuses missing signatures and nonces that could not be Plivo’s', async () => {
    expect(await verifyPlivoSignature(callback({}), URL, TOKEN, V3_ONLY)).toEqual({
      kind: 'invalid',
      reason: 'missing',
    });
    const signature = await sign(v3StringToSign({ method: 'POST', params: PARAMS }, URL, 'a:b'));
    expect(
      await verifyPlivoSignature(
        callback({ 'X-Plivo-Signature-V3': signature, 'X-Plivo-Signature-V3-Nonce': 'a:b' }),
        URL,
        TOKEN,
        V3_ONLY,
      ),
    ).toEqual({ kind: 'invalid', reason: 'malformed' });
  });
});
