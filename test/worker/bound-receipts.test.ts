import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { operatorLog } from '../../src/http/operator-log.ts';
import { cryptoRandom } from '../../src/otp/ports.ts';
import { requestCode } from '../../src/otp/request-code.ts';
import { verifyCode } from '../../src/otp/verify-code.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { createServices } from '../../src/wiring.ts';
import {
  countRoundTrips,
  dumpRedis,
  latestCode,
  redis,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  testEnv,
  uniqueMobile,
  uniquePhone,
} from './support/stack.ts';

const ACME = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };
const API_KEY = 'bound-receipts-key-0123456789abcdef';
const SHOP_AUDIENCE = 'https://shop.example.com/login';
// Whole seconds, so `auth_time` is exactly this clock's second.
const NOW = Math.floor(Date.now() / 1000) * 1000 + 250;
const fixedClock = { nowMs: () => NOW };

/** What a customer's backend does: the Worker's JWKS document, no call back, pinned iss/aud/alg. */
async function verifiedClaims(app: TestApp, receipt: string, audience: string): Promise<JWTPayload> {
  const jwks = (await (await app.call('/.well-known/jwks.json')).json()) as Parameters<
    typeof createLocalJWKSet
  >[0];
  const { payload } = await jwtVerify(receipt, createLocalJWKSet(jwks), {
    issuer: 'https://otp.test',
    audience,
    algorithms: ['ES256'],
    currentDate: new Date(NOW),
  });
  return payload;
}

async function receiptOf(response: Response): Promise<string> {
  const body = (await response.json()) as { receipt?: string; error?: { code: string } };
  if (response.status !== 200 || !body.receipt) {
    throw new Error(`verify answered ${response.status} ${body.error?.code ?? ''}`);
  }
  return body.receipt;
}

/** The verification record's fields as Redis holds them. */
async function record(app: TestApp): Promise<Record<string, string>> {
  const prefix = app.env.KEY_PREFIX as string;
  const [key] = (await redis(['KEYS', `${prefix}verification:*`])) as string[];
  if (!key) throw new Error('no verification record');
  const flat = (await redis(['HGETALL', key])) as string[];
  return Object.fromEntries(flat.flatMap((value, i) => (i % 2 === 0 ? [[value, flat[i + 1] ?? '']] : [])));
}

describe('receipts bound to the attempt (nonce, verification_id, transaction, aud, amr, auth_time)', () => {
  it("carry the deployment's audience, the nonce, the verification id, the transaction, amr and auth_time", async () => {
    const app = testApp({}, { clock: fixedClock });
    const phone = uniquePhone();
    const verificationId = await startVerification(
      app,
      phone,
      {},
      { nonce: 'login-7f3a9c2e', transaction: ACME },
    );
    const code = await latestCode(phone);

    const receipt = await receiptOf(
      await app.post('/otp/verify', { verificationId, code, transaction: ACME }),
    );
    const claims = await verifiedClaims(app, receipt, 'test-backend');
    expect(claims).toMatchObject({
      aud: 'test-backend',
      sub: phone,
      phone_number: phone,
      nonce: 'login-7f3a9c2e',
      verification_id: verificationId,
      transaction: ACME,
      amr: ['sms'],
      auth_time: Math.floor(NOW / 1000),
    });
    expect(claims).not.toHaveProperty('test_number');
  });

  it("carry an API key's own audience, which a backend expecting the deployment's refuses", async () => {
    const app = testApp({ API_KEYS: `${API_KEY}@${SHOP_AUDIENCE}` }, { clock: fixedClock });
    const server = { authorization: `Bearer ${API_KEY}` };
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, server, { nonce: 'checkout-42' });
    const code = await latestCode(phone);

    const receipt = await receiptOf(await app.post('/otp/verify', { verificationId, code }, server));
    expect(await verifiedClaims(app, receipt, SHOP_AUDIENCE)).toMatchObject({
      aud: SHOP_AUDIENCE,
      nonce: 'checkout-42',
      verification_id: verificationId,
    });
    await expect(verifiedClaims(app, receipt, 'test-backend')).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
  });

  it('leave nonce and transaction out when the request sent none (never null)', async () => {
    const app = testApp({}, { clock: fixedClock });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const receipt = await receiptOf(
      await app.post('/otp/verify', { verificationId, code: await latestCode(phone) }),
    );
    const claims = await verifiedClaims(app, receipt, 'test-backend');
    expect(claims).toMatchObject({ verification_id: verificationId, amr: ['sms'] });
    expect(Object.keys(claims)).not.toEqual(expect.arrayContaining(['nonce']));
    expect(Object.keys(claims)).not.toEqual(expect.arrayContaining(['transaction']));
  });

  it('for a test number say test_number: true, with the nonce and transaction bound as for anyone', async () => {
    const app = testApp(
      { TEST_NUMBERS: '+15005550006:000000', ALLOWED_COUNTRIES: 'US' },
      { clock: fixedClock },
    );
    const verificationId = await startVerification(
      app,
      '+15005550006',
      {},
      { nonce: 'reviewer-1', transaction: ACME },
    );
    const receipt = await receiptOf(await app.post('/otp/verify', { verificationId, code: '000000' }));
    expect(await verifiedClaims(app, receipt, 'test-backend')).toMatchObject({
      test_number: true,
      nonce: 'reviewer-1',
      transaction: ACME,
      verification_id: verificationId,
    });
  });
});

describe('the SMS of a transaction', () => {
  it('names the amount and the payee, in one GSM-7 segment in English', async () => {
    const app = testApp();
    const phone = uniquePhone();
    await startVerification(app, phone, {}, { transaction: ACME });
    const code = await latestCode(phone);
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toBe(
      `${code} is your OTP Edge code to confirm 1250.00 EUR to ACME Ltd. It expires in 5 minutes.`,
    );
    expect(sms?.text?.length).toBeLessThanOrEqual(160);
  });

  it("is written in the caller's locale, or the number's country's language", async () => {
    const app = testApp();
    const phone = uniquePhone();
    await startVerification(app, phone, {}, { transaction: ACME, locale: 'fr' });
    const code = await latestCode(phone);
    expect((await sandboxMessages(phone))[0]?.text).toBe(
      `${code} est votre code OTP Edge pour confirmer 1250.00 EUR à ACME Ltd. Il expire dans 5 minutes.`,
    );

    const german = uniqueMobile('+4915', 9, 'DE');
    const germanE164 = german.replace(/\s/g, '');
    await startVerification(app, german, {}, { transaction: { ...ACME, payee: 'Muster GmbH' } });
    const germanCode = await latestCode(germanE164);
    expect((await sandboxMessages(germanE164))[0]?.text).toBe(
      `${germanCode} ist Ihr Code für OTP Edge zur Freigabe von 1250.00 EUR an Muster GmbH. Er ist 5 Minuten gültig.`,
    );
  });
});

describe('a verify that names another transaction', () => {
  const others: [string, typeof ACME][] = [
    ['the amount written differently (1250.0)', { ...ACME, amount: '1250.0' }],
    ['another amount', { ...ACME, amount: '1250.01' }],
    ['another currency', { ...ACME, currency: 'USD' }],
    ['another payee', { ...ACME, payee: 'ACME Ltd.' }],
  ];

  it.each(others)(
    'is 409 transaction_mismatch for %s: not approved, the code burned, no failure counted',
    async (_, other) => {
      const app = testApp();
      const prefix = app.env.KEY_PREFIX as string;
      const phone = uniquePhone();
      const verificationId = await startVerification(app, phone, {}, { transaction: ACME });
      const code = await latestCode(phone);

      const refused = await app.post('/otp/verify', { verificationId, code, transaction: other });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: 'transaction_mismatch' } });

      const stored = await record(app);
      expect(stored.s).toBe('pending');
      expect(stored.a).toBe('5');
      expect(await redis(['KEYS', `${prefix}failures:*`])).toEqual([]);
      const stats = (await redis(['HGETALL', `${prefix}stats:${hourBucket(Date.now())}`])) as string[];
      expect(stats).not.toContain('US:verified');
      expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
        status: 'max_attempts_reached',
        attemptsRemaining: 0,
      });

      // Voided, not merely refused: the right transaction with the right code no longer approves.
      const after = await app.post('/otp/verify', { verificationId, code, transaction: ACME });
      expect(after.status).toBe(429);
      expect(await after.json()).toMatchObject({ error: { code: 'max_attempts_reached' } });
    },
  );

  it('is refused before the code is looked at: a wrong code gets the same 409, not invalid_code', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { transaction: ACME });
    const code = await latestCode(phone);
    const wrong = code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    const refused = await app.post('/otp/verify', {
      verificationId,
      code: wrong,
      transaction: { ...ACME, payee: 'Mallory' },
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'transaction_mismatch' } });
  });

  it('is refused when the verification was requested without a transaction', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const refused = await app.post('/otp/verify', { verificationId, code, transaction: ACME });
    expect(refused.status).toBe(409);
    expect((await record(app)).s).toBe('pending');
  });

  it('approves with the same transaction, or with none, in one store round trip', async () => {
    const app = testApp();
    for (const presented of [ACME, undefined]) {
      const phone = uniquePhone();
      const verificationId = await startVerification(app, phone, {}, { transaction: ACME });
      const code = await latestCode(phone);
      const { result, roundTrips } = await countRoundTrips(() =>
        app.post('/otp/verify', { verificationId, code, transaction: presented }),
      );
      expect(result.status).toBe(200);
      expect(roundTrips).toBe(1);
    }
  });
});

describe('the binding at rest and at the door', () => {
  it('keeps the transaction sealed: the record holds an HMAC of it and no readable field', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const { roundTrips } = await countRoundTrips(() =>
      startVerification(app, phone, {}, { nonce: 'login-visible-nonce', transaction: ACME }),
    );
    // The request's one script, and the SMS (the sandbox is not the store).
    expect(roundTrips).toBe(1);
    const stored = await record(app);
    expect(stored.p).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const dump = JSON.stringify(await dumpRedis(app.env.KEY_PREFIX as string));
    for (const secret of ['ACME', '1250', 'EUR', 'login-visible-nonce', phone.slice(1)]) {
      expect(dump).not.toContain(secret);
    }
  });

  it.each([
    ['nonce', { nonce: 'two words' }],
    ['nonce', { nonce: 'x'.repeat(129) }],
    ['nonce', { nonce: '' }],
    ['transaction.amount', { transaction: { ...ACME, amount: '01250.00' } }],
    ['transaction.amount', { transaction: { ...ACME, amount: '1,250.00' } }],
    ['transaction.currency', { transaction: { ...ACME, currency: 'eur' } }],
    ['transaction.payee', { transaction: { ...ACME, payee: 'ACME@evil' } }],
    ['transaction.payee', { transaction: { ...ACME, payee: 'p'.repeat(36) } }],
    ['transaction.payee', { transaction: { ...ACME, payee: 'ACME\n@evil.example #123456' } }],
    ['transaction.payee', { transaction: { ...ACME, payee: 'ACME €' } }],
    ['transaction', { transaction: { ...ACME, iban: 'DE89370400440532013000' } }],
  ])(
    'a request with a bad %s is 400 invalid_request naming it, and stores and sends nothing',
    async (field, extra) => {
      const app = testApp();
      const phone = uniquePhone();
      const refused = await app.post('/otp/request', { phone, ...extra });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: string; issues: { field: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.issues.map((issue) => issue.field)).toContain(field);
      expect(await dumpRedis(app.env.KEY_PREFIX as string)).toEqual([]);
      expect(await sandboxMessages(phone)).toEqual([]);
    },
  );

  it('a verify with a malformed transaction is 400 and spends nothing', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { transaction: ACME });
    const before = await record(app);
    const refused = await app.post('/otp/verify', {
      verificationId,
      code: await latestCode(phone),
      transaction: { ...ACME, currency: 'euro' },
    });
    expect(refused.status).toBe(400);
    expect(await record(app)).toEqual(before);
  });

  // The HTTP schema refuses these first; the use cases refuse them too, so nothing the domain
  // seals, texts or signs depends on which door a value came through.
  it('the use cases refuse a bad nonce or transaction themselves, before any store round trip', async () => {
    const parsed = parseConfig(testEnv());
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const services = createServices(
      parsed.config,
      { clock: fixedClock, random: cryptoRandom },
      operatorLog({}),
      () => {},
    );
    const phone = uniquePhone();
    expect(
      await requestCode(
        { phone, clientIp: '203.0.113.9', channel: 'sms', nonce: 'has space', guard: { kind: 'none' } },
        services,
      ),
    ).toEqual({
      kind: 'invalid_binding',
      field: 'nonce',
      problem: expect.stringMatching(/visible ASCII/),
    });
    expect(
      await requestCode(
        {
          phone,
          clientIp: '203.0.113.9',
          channel: 'sms',
          transaction: { ...ACME, payee: 'line\nbreak' },
          guard: { kind: 'none' },
        },
        services,
      ),
    ).toMatchObject({ kind: 'invalid_binding', field: 'transaction.payee' });
    expect(
      await verifyCode(
        {
          verificationId: 'A'.repeat(90),
          code: '123456',
          clientIp: '203.0.113.9',
          audience: 'test-backend',
          transaction: { ...ACME, amount: '-5' },
        },
        services,
      ),
    ).toMatchObject({ kind: 'invalid_request', field: 'transaction.amount' });
    expect(services.roundTrips.storeRoundTrips).toBe(0);
    expect(await dumpRedis(parsed.config.store.keyPrefix)).toEqual([]);
  });
});
