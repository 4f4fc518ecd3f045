import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { relayUrl } from './support/callbacks.ts';
import {
  countRoundTrips,
  dumpRedis,
  latestCode,
  redis,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
} from './support/stack.ts';

function wrongCodeFor(code: string): string {
  return code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
}

describe('POST /otp/request → SMS → POST /otp/verify', () => {
  it('sends a code by SMS, approves it once, and the receipt verifies with the JWKS alone', async () => {
    const app = testApp();
    const phone = uniquePhone();

    const requested = await app.post('/otp/request', { phone });
    expect(requested.status).toBe(200);
    const pending = (await requested.json()) as { verificationId: string };
    expect(pending).toEqual({
      verificationId: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      status: 'pending',
      channel: 'sms',
      expiresInSeconds: 300,
      resendAfterSeconds: 60,
    });
    const { verificationId } = pending;

    const code = await latestCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toBe(`${code} is your OTP Edge verification code. It expires in 5 minutes.`);
    expect(sms?.src).toBe('+14155550100');

    const verified = await app.post('/otp/verify', { verificationId, code });
    expect(verified.status).toBe(200);
    const body = (await verified.json()) as { status: string; receipt: string; expiresInSeconds: number };
    expect(body.status).toBe('approved');
    expect(body.expiresInSeconds).toBe(600);

    // A customer's backend: only the JWKS document, no call back to us.
    const jwks = (await (await app.call('/.well-known/jwks.json')).json()) as Parameters<
      typeof createLocalJWKSet
    >[0];
    const { payload, protectedHeader } = await jwtVerify(body.receipt, createLocalJWKSet(jwks), {
      issuer: 'https://otp.test',
      audience: 'test-backend',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: phone, phone_number: phone, phone_number_verified: true });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload).not.toHaveProperty('test_number');

    const replay = await app.post('/otp/verify', { verificationId, code });
    expect(replay.status).toBe(404);
    expect(await replay.json()).toMatchObject({ error: { code: 'verification_not_found' } });
  });

  it('normalises a formatted number to E.164 before sending, and the receipt names the E.164 number', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const formatted = `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const verificationId = await startVerification(app, formatted);
    const code = await latestCode(phone);
    const verified = await app.post('/otp/verify', { verificationId, code });
    expect(verified.status).toBe(200);
    const { receipt } = (await verified.json()) as { receipt: string };
    const claims = JSON.parse(atob(receipt.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? ''));
    expect(claims.phone_number).toBe(phone);
  });

  it('a code only works for the verification it was sent for', async () => {
    const app = testApp();
    const [first, second] = [uniquePhone(), uniquePhone()];
    const firstId = await startVerification(app, first);
    const secondId = await startVerification(app, second);
    const firstCode = await latestCode(first);
    const secondCode = await latestCode(second);
    if (firstCode !== secondCode) {
      const crossed = await app.post('/otp/verify', { verificationId: secondId, code: firstCode });
      expect(crossed.status).toBe(400);
    }
    expect((await app.post('/otp/verify', { verificationId: secondId, code: secondCode })).status).toBe(200);
    expect(firstId).not.toBe(secondId);
  });

  it('refuses numbers that are not international E.164 with invalid_phone', async () => {
    const app = testApp();
    for (const phone of ['4155552671', '+1 415 CALL NOW', '+1', '+1 123 456 7890', '', '+٤٤٧٧٠٠٩٠٠١٢٣']) {
      const response = await app.post('/otp/request', { phone });
      expect(response.status, phone).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_phone' } });
    }
  });

  it("says what is wrong with a number, from libphonenumber's verdict, not only its format", async () => {
    const app = testApp();
    const problems: Record<string, string> = {
      '+1415': 'too short for country code +1',
      '+1 415 555 2671 99': 'too long for country code +1',
      '+33 6 12 34': 'too short for a number in France (+33)',
      '+1 200 555 0100': 'not a valid number for country code +1',
      '+999 1234 5678': 'not a number: no country calling code follows the +',
      '4155552671':
        'not in international format: + and the country code, then digits (spaces, dashes, dots and brackets may separate them)',
    };
    for (const [phone, problem] of Object.entries(problems)) {
      const response = await app.post('/otp/request', { phone });
      expect(response.status, phone).toBe(400);
      expect(await response.json(), phone).toEqual({
        error: {
          code: 'invalid_phone',
          message: 'This phone number is not valid: `issues` says why.',
          issues: [{ field: 'phone', problem }],
        },
      });
    }
  });
});

describe('the SMS Plivo is asked to send', () => {
  it('keeps no log at Plivo, expires with the code, and ends with the WebOTP origin line after the Android hash', async () => {
    const app = testApp({
      WEBOTP_DOMAIN: 'app.example.com',
      ANDROID_APP_HASH: 'FA+9qCX9VSu',
      OTP_TTL_SECONDS: '120',
      // The local callback relay: the sandbox really posts the delivery reports there, so no test
      // reaches a host outside this machine. The trailing slash must not double up in the URL.
      PUBLIC_BASE_URL: `${relayUrl}/`,
    });
    const phone = uniquePhone();
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
    const code = await latestCode(phone);
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toBe(
      `${code} is your OTP Edge verification code. It expires in 2 minutes.\nFA+9qCX9VSu\n\n@app.example.com #${code}`,
    );
    expect(sms?.log).toBe(false);
    expect(sms?.messageExpiry).toBe(120);
    expect(sms?.url).toBe(`${relayUrl}/webhooks/plivo/status`);
  });
});

describe('attempt limits', () => {
  it('the guess that reaches OTP_MAX_ATTEMPTS burns the code: then even the right code fails', async () => {
    const app = testApp({ OTP_MAX_ATTEMPTS: '3' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const wrong = wrongCodeFor(code);

    const remaining = [];
    for (let guess = 0; guess < 3; guess += 1) {
      const response = await app.post('/otp/verify', { verificationId, code: wrong });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; attemptsRemaining: number } };
      expect(body.error.code).toBe('invalid_code');
      remaining.push(body.error.attemptsRemaining);
    }
    expect(remaining).toEqual([2, 1, 0]);

    const right = await app.post('/otp/verify', { verificationId, code });
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ error: { code: 'max_attempts_reached' } });
  });

  it('a used-up code says to request a new one: after the cooldown (Retry-After) while it runs', async () => {
    const app = testApp({ OTP_MAX_ATTEMPTS: '2', OTP_RESEND_COOLDOWN_SECONDS: '120' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    for (let guess = 0; guess < 2; guess += 1)
      expect((await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) })).status).toBe(400);

    // One store round trip like every verify: check-code reads the cooldown itself.
    const { result: burned, roundTrips } = await countRoundTrips(() =>
      app.post('/otp/verify', { verificationId, code }),
    );
    expect(roundTrips).toBe(1);
    expect(burned.status).toBe(429);
    const retryAfter = Number(burned.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await burned.json()).toEqual({
      error: {
        code: 'max_attempts_reached',
        message: 'This code had too many wrong guesses and no longer works. Request a new code.',
        retryAfterSeconds: retryAfter,
      },
    });
    // What the wait is for: a request before it is the cooldown's 429.
    expect((await app.post('/otp/request', { phone })).status).toBe(429);
  });

  it('a used-up code after the cooldown: no Retry-After, and a new code can be requested at once', async () => {
    const app = testApp({ OTP_MAX_ATTEMPTS: '1', OTP_RESEND_COOLDOWN_SECONDS: '1' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    expect((await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) })).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const burned = await app.post('/otp/verify', { verificationId, code });
    expect(burned.status).toBe(429);
    expect(burned.headers.get('retry-after')).toBeNull();
    expect(await burned.json()).toEqual({
      error: {
        code: 'max_attempts_reached',
        message: 'This code had too many wrong guesses and no longer works. Request a new code.',
      },
    });
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
  });

  it('GET shows a used-up verification as max_attempts_reached, not pending', async () => {
    const app = testApp({ OTP_MAX_ATTEMPTS: '2' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const read = async () =>
      (await (await app.call(`/otp/verifications/${verificationId}`)).json()) as Record<string, unknown>;
    await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) });
    expect(await read()).toMatchObject({ status: 'pending', attemptsRemaining: 1 });
    await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) });
    expect(await read()).toMatchObject({ status: 'max_attempts_reached', attemptsRemaining: 0 });
  });

  it('a resend replaces the old verification at once and does not reset the failure count', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_FAILURES_PER_DAY: '4' });
    const phone = uniquePhone();
    const oldId = await startVerification(app, phone);
    const oldCode = await latestCode(phone);
    expect(
      (await app.post('/otp/verify', { verificationId: oldId, code: wrongCodeFor(oldCode) })).status,
    ).toBe(400);
    expect(
      (await app.post('/otp/verify', { verificationId: oldId, code: wrongCodeFor(oldCode) })).status,
    ).toBe(400);

    const newId = await startVerification(app, phone);
    const newCode = await latestCode(phone);
    // The old verification died with the resend: its right code is a 404 and counts nothing.
    const old = await app.post('/otp/verify', { verificationId: oldId, code: oldCode });
    expect(old.status).toBe(404);
    expect(
      (await app.post('/otp/verify', { verificationId: newId, code: wrongCodeFor(newCode) })).status,
    ).toBe(400);
    // Three failures so far across two codes; the fourth reaches the cap of 4.
    const fourth = await app.post('/otp/verify', { verificationId: newId, code: wrongCodeFor(newCode) });
    expect(fourth.status).toBe(400);
    const locked = await app.post('/otp/verify', { verificationId: newId, code: newCode });
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    // And a locked number gets no new SMS either: sending codes nobody may use only costs money.
    const before = (await sandboxMessages(phone)).length;
    const refused = await app.post('/otp/request', { phone });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect((await sandboxMessages(phone)).length).toBe(before);
  });
});

describe('resend cooldown', () => {
  it('a second request within OTP_RESEND_COOLDOWN_SECONDS is 429 resend_too_soon with Retry-After and no SMS', async () => {
    const app = testApp();
    const phone = uniquePhone();
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
    const again = await app.post('/otp/request', { phone });
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ error: { code: 'resend_too_soon', retryAfterSeconds: 60 } });
    expect(again.headers.get('retry-after')).toBe('60');
    expect(await sandboxMessages(phone)).toHaveLength(1);
  });
});

describe('expiry', () => {
  it('the verification record lives the code lifetime plus the 10-minute retention in Redis', async () => {
    const app = testApp();
    const phone = uniquePhone();
    await startVerification(app, phone);
    const [record] = (await dumpRedis(app.env.KEY_PREFIX as string)).filter((entry) =>
      entry.key.includes(':verification:'),
    );
    expect(record?.pttl).toBeGreaterThan(895_000);
    expect(record?.pttl).toBeLessThanOrEqual(900_000);
  });

  it('nothing is approved after the code expired', async () => {
    let now = Date.now();
    const app = testApp({ OTP_TTL_SECONDS: '60' }, { clock: { nowMs: () => now } });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    now += 60_000;
    const late = await app.post('/otp/verify', { verificationId, code });
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ error: { code: 'verification_not_found' } });
  });
});

describe('nothing readable at rest', () => {
  it('a dump of Redis holds neither the code nor the phone number, in any form', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '30' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { nonce: 'session-1' });
    const code = await latestCode(phone);
    await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) });

    const dump = await dumpRedis(app.env.KEY_PREFIX as string);
    expect(new Set(dump.map((entry) => entry.key.split(':')[1]))).toEqual(
      new Set([
        'verification',
        'active',
        'cooldown',
        'failures',
        'limit',
        'guard',
        'guard-number',
        'verify-ip',
        'stats',
      ]),
    );
    // Every key, limit windows and guard cells included, checked as a whole dump would be read.
    const text = JSON.stringify(dump);
    const digits = phone.slice(1);
    // Nor the verification id (the record is keyed by its HMAC), nor the sealed binding's nonce.
    for (const secret of [code, digits, digits.slice(1), digits.slice(-7), verificationId, 'session-1'])
      expect(text).not.toContain(secret);
    // The stored code is an HMAC, not a plain SHA-256 anyone could brute-force over 10^6 codes.
    const record = dump.find((entry) => entry.key.includes(':verification:'));
    const fields = (record?.value as string[] | undefined) ?? [];
    const codeHash = fields[fields.indexOf('h') + 1];
    const plain = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${phone}${code}`)),
    );
    expect(codeHash).not.toBe(btoa(String.fromCharCode(...plain)));
    expect(codeHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('store round trips (counted at the REST server)', () => {
  it('verify costs exactly one round trip, request exactly one before the SMS', async () => {
    const app = testApp();
    const phone = uniquePhone();
    // Warm the script cache: after a Redis restart the first EVALSHA of each script costs a retry.
    const warm = await startVerification(app, uniquePhone());
    await app.post('/otp/verify', { verificationId: warm, code: '000000' });
    await app.call(`/otp/verifications/${warm}`);
    await app.call(`/otp/verifications/${warm}`, { method: 'DELETE' });

    const requested = await countRoundTrips(() => app.post('/otp/request', { phone }));
    expect(requested.result.status).toBe(200);
    expect(requested.roundTrips).toBe(1);
    const { verificationId } = (await requested.result.json()) as { verificationId: string };

    const code = await latestCode(phone);
    const wrong = await countRoundTrips(() =>
      app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) }),
    );
    expect(wrong.result.status).toBe(400);
    expect(wrong.roundTrips).toBe(1);
    const verified = await countRoundTrips(() => app.post('/otp/verify', { verificationId, code }));
    expect(verified.result.status).toBe(200);
    expect(verified.roundTrips).toBe(1);

    const status = await countRoundTrips(() => app.call(`/otp/verifications/${verificationId}`));
    expect(status.result.status).toBe(200);
    expect(status.roundTrips).toBe(1);
    const cancel = await countRoundTrips(() =>
      app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' }),
    );
    expect(cancel.result.status).toBe(409);
    expect(cancel.roundTrips).toBe(1);
  });
});

describe('keys are removed when they are used', () => {
  it('a successful verify deletes the code hash and both failure counters', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) });
    const prefix = app.env.KEY_PREFIX as string;
    expect(await redis(['KEYS', `${prefix}failures:*`])).toHaveLength(2);
    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
    const [record] = (await redis(['KEYS', `${prefix}verification:*`])) as string[];
    expect(await redis(['HGET', record ?? '', 'h'])).toBeNull();
    expect(await redis(['HGET', record ?? '', 's'])).toBe('approved');
    expect(await redis(['KEYS', `${prefix}failures:*`])).toEqual([]);
  });
});
