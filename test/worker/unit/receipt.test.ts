import { base64url, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock, RandomSource } from '../../../src/otp/ports.ts';
import { buildJwks } from '../../../src/receipt/jwks.ts';
import {
  createReceiptSigner,
  type ReceiptSettings,
  type ReceiptSubject,
} from '../../../src/receipt/receipt-signer.ts';
import {
  type KeyedJwk,
  parsePreviousPublicKeys,
  parseSigningKey,
  publicJwk,
} from '../../../src/receipt/signing-key.ts';

const PHONE = '+447400123456';
const ISSUER = 'https://otp.example.com';
const AUDIENCE = 'customer-backend';
const TTL_SECONDS = 600;
const START_MS = Date.UTC(2026, 10, 22, 12, 0, 0, 250);
const VERIFIED_AT = Math.floor(START_MS / 1000);
const TRANSACTION = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };

/** An approved verification as the verify use case hands it over. */
function subject(overrides: Partial<ReceiptSubject> = {}): ReceiptSubject {
  return {
    e164: PHONE,
    verificationId: 'vrf_8Jq2mZkT0aXc4LpN',
    audience: AUDIENCE,
    amr: ['sms'],
    authTimeSeconds: VERIFIED_AT,
    ...overrides,
  };
}

async function newSigningKey(kid: string): Promise<KeyedJwk> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  if (!('privateKey' in pair)) throw new Error('ECDSA generateKey returns a key pair');
  const exported = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { ...(exported as JsonWebKey), kid };
}

function fakeClock(startMs: number): Clock & { advanceSeconds(seconds: number): void } {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    advanceSeconds(seconds) {
      nowMs += seconds * 1000;
    },
  };
}

/** Fills with 0, 1, 2, ... so the jti is known in advance. */
const countingRandom: RandomSource = {
  fill(bytes) {
    bytes.forEach((_, i) => {
      bytes[i] = i;
    });
  },
};

function settings(signingKey: KeyedJwk, overrides: Partial<ReceiptSettings> = {}): ReceiptSettings {
  return { signingKey, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS, ...overrides };
}

/** What a customer backend does: fetch our JWKS, then verify with pinned algorithm, issuer and audience. */
async function verifyAsCustomer(
  token: string,
  jwks: { keys: KeyedJwk[] },
  at: Clock,
  expected: { audience: string | undefined } = { audience: AUDIENCE },
) {
  return jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: ISSUER,
    audience: expected.audience,
    algorithms: ['ES256'],
    currentDate: new Date(at.nowMs()),
  });
}

describe('receipt signer', () => {
  it('issues a receipt a customer backend verifies with the published JWKS, bound to its audience, attempt and payment', async () => {
    const key = await newSigningKey('2026-11-22-aaaaaa');
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(
      subject({ nonce: 'login-7f3a9c2e', transaction: TRANSACTION }),
    );

    const { payload, protectedHeader } = await verifyAsCustomer(issued.token, buildJwks(key, []), clock);
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: '2026-11-22-aaaaaa' });
    expect(payload).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: PHONE,
      phone_number: PHONE,
      phone_number_verified: true,
      iat: VERIFIED_AT,
      exp: VERIFIED_AT + TTL_SECONDS,
      jti: base64url.encode(Uint8Array.from({ length: 16 }, (_, i) => i)),
      verification_id: 'vrf_8Jq2mZkT0aXc4LpN',
      nonce: 'login-7f3a9c2e',
      amr: ['sms'],
      auth_time: VERIFIED_AT,
      transaction: TRANSACTION,
    });
    expect(issued.expiresInSeconds).toBe(TTL_SECONDS);
  });

  it('lets a backend check nonce, verification_id and transaction with jose, and refuses a receipt for another attempt or payment', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const signer = createReceiptSigner(settings(key), clock, countingRandom);
    const jwks = buildJwks(key, []);
    const forAttempt = await signer.sign(subject({ nonce: 'attempt-1', transaction: TRANSACTION }));
    // What docs/api.md's backend does after jwtVerify: compare the claims with its own records.
    const accepts = async (token: string, expected: { nonce: string; amount: string }) => {
      const { payload } = await verifyAsCustomer(token, jwks, clock);
      const transaction = payload.transaction as typeof TRANSACTION | undefined;
      return (
        payload.nonce === expected.nonce &&
        payload.verification_id === 'vrf_8Jq2mZkT0aXc4LpN' &&
        transaction?.amount === expected.amount &&
        transaction.currency === 'EUR' &&
        transaction.payee === 'ACME Ltd'
      );
    };
    expect(await accepts(forAttempt.token, { nonce: 'attempt-1', amount: '1250.00' })).toBe(true);
    expect(await accepts(forAttempt.token, { nonce: 'attempt-2', amount: '1250.00' })).toBe(false);
    expect(await accepts(forAttempt.token, { nonce: 'attempt-1', amount: '9999.00' })).toBe(false);
  });

  it('carries the audience it is given: each app sharing a deployment accepts only its own receipts', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const signer = createReceiptSigner(settings(key), clock, countingRandom);
    const shop = await signer.sign(subject({ audience: 'https://shop.example.com' }));
    const jwks = buildJwks(key, []);
    const { payload } = await verifyAsCustomer(shop.token, jwks, clock, {
      audience: 'https://shop.example.com',
    });
    expect(payload.aud).toBe('https://shop.example.com');
    await expect(verifyAsCustomer(shop.token, jwks, clock, { audience: AUDIENCE })).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
  });

  it('leaves out nonce, transaction and test_number when there are none, never writing null or false', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(
      subject({ testNumber: false, amr: ['whatsapp'], authTimeSeconds: VERIFIED_AT - 3 }),
    );
    const { payload } = await verifyAsCustomer(issued.token, buildJwks(key, []), clock);
    expect(Object.keys(payload).sort()).toEqual(
      [
        'iss',
        'aud',
        'sub',
        'phone_number',
        'phone_number_verified',
        'iat',
        'exp',
        'jti',
        'verification_id',
        'amr',
        'auth_time',
      ].sort(),
    );
    expect(payload.amr).toEqual(['whatsapp']);
    expect(payload.auth_time).toBe(VERIFIED_AT - 3);
  });

  it('marks a receipt for a configured test number with test_number: true', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(
      subject({ testNumber: true }),
    );
    const { payload } = await verifyAsCustomer(issued.token, buildJwks(key, []), clock);
    expect(payload.test_number).toBe(true);
  });

  it('copies the transaction as stored, and only its three fields', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const stored = { ...TRANSACTION, amount: '1250.0', extra: 'dropped' } as typeof TRANSACTION;
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(
      subject({ transaction: stored }),
    );
    const { payload } = await verifyAsCustomer(issued.token, buildJwks(key, []), clock);
    expect(payload.transaction).toEqual({ amount: '1250.0', currency: 'EUR', payee: 'ACME Ltd' });
  });

  it('draws a fresh jti for every receipt', async () => {
    const key = await newSigningKey('k1');
    const signer = createReceiptSigner(settings(key), fakeClock(START_MS), {
      fill: (bytes) => crypto.getRandomValues(bytes),
    });
    const jtis = await Promise.all(
      [1, 2, 3].map(async () => {
        const { payload } = await verifyAsCustomer(
          (await signer.sign(subject())).token,
          buildJwks(key, []),
          fakeClock(START_MS),
        );
        return payload.jti;
      }),
    );
    expect(new Set(jtis).size).toBe(3);
  });

  it('is refused when signed by a key the JWKS does not list, even under the same kid', async () => {
    const real = await newSigningKey('k1');
    const impostor = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const forged = await createReceiptSigner(settings(impostor), clock, countingRandom).sign(subject());
    await expect(verifyAsCustomer(forged.token, buildJwks(real, []), clock)).rejects.toThrow();
  });

  it('is refused once its lifetime has passed', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(subject());
    clock.advanceSeconds(TTL_SECONDS - 1);
    await expect(verifyAsCustomer(issued.token, buildJwks(key, []), clock)).resolves.toBeDefined();
    clock.advanceSeconds(2);
    await expect(verifyAsCustomer(issued.token, buildJwks(key, []), clock)).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    });
  });

  it('is refused by a backend that expects another audience', async () => {
    const key = await newSigningKey('k1');
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(key), clock, countingRandom).sign(subject());
    await expect(
      verifyAsCustomer(issued.token, buildJwks(key, []), clock, { audience: 'another-app' }),
    ).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
  });

  it('keeps receipts from the previous key valid while that key is listed (rotation), and only then', async () => {
    const previous = await newSigningKey('2026-10-01-old111');
    const current = await newSigningKey('2026-11-22-new222');
    const clock = fakeClock(START_MS);
    const issuedBeforeRotation = await createReceiptSigner(settings(previous), clock, countingRandom).sign(
      subject(),
    );

    const duringRotation = buildJwks(current, [publicJwk(previous)]);
    const { protectedHeader } = await verifyAsCustomer(issuedBeforeRotation.token, duringRotation, clock);
    expect(protectedHeader.kid).toBe('2026-10-01-old111');

    await expect(
      verifyAsCustomer(issuedBeforeRotation.token, buildJwks(current, []), clock),
    ).rejects.toThrow();
  });

  it('signs with the key it was given, named by that key’s kid', async () => {
    const key = await newSigningKey('2026-11-22-abc123');
    const issued = await createReceiptSigner(settings(key), fakeClock(START_MS), countingRandom).sign(
      subject(),
    );
    expect(decodeProtectedHeader(issued.token).kid).toBe('2026-11-22-abc123');
  });
});

describe('buildJwks', () => {
  it('lists the current key first, then previous keys, each kid once', async () => {
    const current = await newSigningKey('current');
    const older = publicJwk(await newSigningKey('older'));
    const oldest = publicJwk(await newSigningKey('oldest'));
    const jwks = buildJwks(current, [older, publicJwk(current), oldest, older]);
    expect(jwks.keys.map((key) => key.kid)).toEqual(['current', 'older', 'oldest']);
    expect(jwks.keys[0]?.x).toBe(current.x);
  });

  it('never publishes a private key, even when handed one', async () => {
    const current = await newSigningKey('current');
    const previousPrivate = await newSigningKey('previous');
    const jwks = buildJwks(current, [previousPrivate]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    expect(jwks.keys).toEqual([publicJwk(current), publicJwk(previousPrivate)]);
  });
});

describe('publicJwk', () => {
  it('keeps only what a verifier needs: no d, no key_ops, no ext; alg ES256 and use sig', async () => {
    const key = await newSigningKey('k1');
    expect(publicJwk({ ...key, key_ops: ['sign'], ext: true })).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.x,
      y: key.y,
      kid: 'k1',
      alg: 'ES256',
      use: 'sig',
    });
  });
});

describe('parseSigningKey', () => {
  it('accepts a P-256 private JWK and keeps only its key fields', async () => {
    const key = await newSigningKey('2026-11-22-ab12cd');
    const parsed = parseSigningKey(JSON.stringify(key));
    expect(parsed).toEqual({
      ok: true,
      key: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, d: key.d, kid: '2026-11-22-ab12cd' },
    });
  });

  it('gives a key the signer can use', async () => {
    const parsed = parseSigningKey(JSON.stringify(await newSigningKey('k1')));
    if (!parsed.ok) throw new Error(parsed.problem);
    const clock = fakeClock(START_MS);
    const issued = await createReceiptSigner(settings(parsed.key), clock, countingRandom).sign(subject());
    await expect(verifyAsCustomer(issued.token, buildJwks(parsed.key, []), clock)).resolves.toBeDefined();
  });

  it('refuses every malformed key with a problem that never quotes the private key', async () => {
    const key = await newSigningKey('k1');
    const d = key.d ?? '';
    const json = JSON.stringify(key);
    const cases: Record<string, string> = {
      'not JSON': `{"kty":"EC","d":"${d}"`,
      'not an object': JSON.stringify([key]),
      RSA: JSON.stringify({ ...key, kty: 'RSA', n: 'AQAB', e: 'AQAB' }),
      'P-384': JSON.stringify({ ...key, crv: 'P-384' }),
      'public only': JSON.stringify(publicJwk(key)),
      'no kid': JSON.stringify({ ...key, kid: undefined }),
      'empty kid': JSON.stringify({ ...key, kid: '' }),
      'another alg': JSON.stringify({ ...key, alg: 'ES384' }),
      'x of the wrong length': JSON.stringify({ ...key, x: `${key.x}AA` }),
      'd of the wrong length': JSON.stringify({ ...key, d: `${d}A` }),
      'd not a string': JSON.stringify({ ...key, d: [d] }),
    };
    expect(parseSigningKey(json).ok).toBe(true);
    for (const [name, input] of Object.entries(cases)) {
      const parsed = parseSigningKey(input);
      expect(parsed, name).toMatchObject({ ok: false });
      if (parsed.ok) continue;
      expect(parsed.problem, name).not.toContain(d.slice(0, 8));
      expect(parsed.problem.length, name).toBeGreaterThan(0);
    }
  });
});

describe('parsePreviousPublicKeys', () => {
  it('reads an unset or blank variable as no previous keys', () => {
    expect(parsePreviousPublicKeys(undefined)).toEqual({ ok: true, keys: [] });
    expect(parsePreviousPublicKeys('')).toEqual({ ok: true, keys: [] });
    expect(parsePreviousPublicKeys('  \n')).toEqual({ ok: true, keys: [] });
  });

  it('accepts a JSON array of public P-256 keys', async () => {
    const older = publicJwk(await newSigningKey('older'));
    const oldest = publicJwk(await newSigningKey('oldest'));
    const parsed = parsePreviousPublicKeys(JSON.stringify([older, oldest]));
    expect(parsed.ok && parsed.keys.map((key) => key.kid)).toEqual(['older', 'oldest']);
  });

  it('refuses a private key, which must never sit where public keys are published', async () => {
    const privateKey = await newSigningKey('older');
    const parsed = parsePreviousPublicKeys(JSON.stringify([privateKey]));
    expect(parsed).toMatchObject({ ok: false });
    expect(parsed.ok ? '' : parsed.problem).not.toContain(privateKey.d?.slice(0, 8));
  });

  it.each([
    ['a single key instead of an array', async () => JSON.stringify(publicJwk(await newSigningKey('k')))],
    ['not JSON', async () => '[{"kty":"EC"'],
    [
      'a key without kid',
      async () => JSON.stringify([{ ...publicJwk(await newSigningKey('k')), kid: undefined }]),
    ],
    ['a P-384 key', async () => JSON.stringify([{ ...publicJwk(await newSigningKey('k')), crv: 'P-384' }])],
    ['a string entry', async () => JSON.stringify(['k'])],
  ])('refuses %s', async (_why, input) => {
    expect(parsePreviousPublicKeys(await input())).toMatchObject({ ok: false });
  });
});
