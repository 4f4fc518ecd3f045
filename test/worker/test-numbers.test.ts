import { describe, expect, it } from 'vitest';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { captureLogs } from './support/logs.ts';
import { redis, sandboxAttempts, startVerification, testApp } from './support/stack.ts';

// UK 07700 900xxx is reserved for fiction: the phone metadata calls it invalid.
const FICTIONAL = '+447700900123';
const NOW = Date.now();

async function logLines(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const { lines } = await captureLogs(action);
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

function claimsOf(receipt: string): Record<string, unknown> {
  return JSON.parse(atob(receipt.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? ''));
}

function testNumberApp(overrides: Record<string, string> = {}, nowMs = NOW) {
  return testApp(
    { TEST_NUMBERS: `${FICTIONAL}:424242,+15005550006:000000`, ALLOWED_COUNTRIES: 'US', ...overrides },
    { clock: { nowMs: () => nowMs } },
  );
}

async function sandboxAttemptsTo(e164: string) {
  return (await sandboxAttempts()).filter((attempt) => attempt.dst.replace(/^\+/, '') === e164.slice(1));
}

describe('test numbers (TEST_NUMBERS)', () => {
  it('get no SMS, approve with the fixed code, and the receipt says test_number', async () => {
    const app = testNumberApp();
    // Accepted as configured: invalid for the metadata, outside ALLOWED_COUNTRIES, spaces typed.
    const verificationId = await startVerification(app, '+44 7700 900123');
    expect(await sandboxAttemptsTo(FICTIONAL)).toEqual([]);

    const status = await (await app.call(`/otp/verifications/${verificationId}`)).json();
    expect(status).toMatchObject({ status: 'pending', testNumber: true, delivery: null });

    const verified = await app.post('/otp/verify', { verificationId, code: '424242' });
    expect(verified.status).toBe(200);
    const { receipt } = (await verified.json()) as { receipt: string };
    expect(claimsOf(receipt)).toMatchObject({ phone_number: FICTIONAL, test_number: true });
  });

  it('follow the same attempt rules: a wrong code counts, attempts burn', async () => {
    const app = testNumberApp({ OTP_MAX_ATTEMPTS: '2' });
    const verificationId = await startVerification(app, '+15005550006');
    const wrong = await app.post('/otp/verify', { verificationId, code: '000001' });
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_code', attemptsRemaining: 1 } });
    expect((await app.post('/otp/verify', { verificationId, code: '000002' })).status).toBe(400);
    expect((await app.post('/otp/verify', { verificationId, code: '000000' })).status).toBe(429);
  });

  it('follow the same cooldown and send limits', async () => {
    const app = testNumberApp({ RATE_LIMIT_SEND_PER_PHONE: '1/1h', OTP_RESEND_COOLDOWN_SECONDS: '0' });
    await startVerification(app, FICTIONAL);
    const again = await app.post('/otp/request', { phone: FICTIONAL });
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ error: { code: 'rate_limited', scope: 'phone' } });
  });

  it('are counted apart (test_sent, test_verified) and stay out of the fraud guard', async () => {
    const app = testNumberApp();
    const verificationId = await startVerification(app, FICTIONAL);
    expect((await app.post('/otp/verify', { verificationId, code: '424242' })).status).toBe(200);
    const prefix = app.env.KEY_PREFIX as string;
    const stats = (await redis(['HGETALL', `${prefix}stats:${hourBucket(NOW)}`])) as string[];
    expect(stats).toEqual(expect.arrayContaining(['GB:test_sent', 'GB:test_verified']));
    expect(stats).not.toContain('GB:sent');
    expect(stats).not.toContain('GB:verified');
    expect(await redis(['KEYS', `${prefix}guard:*`])).toEqual([]);
    // Nor marked as counted: a test number must not make a real send to it look like a resend.
    expect(await redis(['KEYS', `${prefix}guard-number:*`])).toEqual([]);
  });

  it('become ordinary numbers after TEST_NUMBERS_EXPIRE_AT, and one log line says so', async () => {
    const expireAt = new Date(NOW - 1000).toISOString();
    const app = testNumberApp({ TEST_NUMBERS_EXPIRE_AT: expireAt, ALLOWED_COUNTRIES: '*' });
    const logs = await logLines(async () => {
      // The fictional number is invalid for the metadata again; the NANP test number is texted.
      expect((await app.post('/otp/request', { phone: FICTIONAL })).status).toBe(400);
      await app.post('/otp/request', { phone: '+15005550006' });
    });
    const warnings = logs.flatMap((line) => (line.warnings as string[] | undefined) ?? []);
    expect(warnings).toEqual([
      `TEST_NUMBERS expired at ${expireAt} (TEST_NUMBERS_EXPIRE_AT): they are ordinary numbers again`,
    ]);
  });

  it('require TEST_NUMBERS_EXPIRE_AT in the future in production', async () => {
    const production = {
      ENVIRONMENT: 'production',
      ALLOWED_COUNTRIES: 'US',
      TEST_NUMBERS: `${FICTIONAL}:424242`,
    };
    for (const expireAt of [undefined, new Date(Date.now() - 60_000).toISOString(), 'next week']) {
      const app = testApp(expireAt ? { ...production, TEST_NUMBERS_EXPIRE_AT: expireAt } : production);
      const logs = await logLines(() => app.post('/otp/request', { phone: FICTIONAL }));
      expect(logs.at(-1)?.problems, String(expireAt)).toEqual([
        expect.stringMatching(/^TEST_NUMBERS_EXPIRE_AT: /),
      ]);
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const app = testApp({ ...production, TEST_NUMBERS_EXPIRE_AT: future });
    expect((await app.post('/otp/request', { phone: FICTIONAL })).status).toBe(200);
  });

  it('refuse a code that is not exactly OTP_LENGTH digits at load', async () => {
    const app = testApp({ TEST_NUMBERS: `${FICTIONAL}:4242` });
    const logs = await logLines(() => app.post('/otp/request', { phone: FICTIONAL }));
    expect(logs.at(-1)?.problems).toEqual([
      'TEST_NUMBERS: entry 1 needs a code of exactly 6 digits (OTP_LENGTH)',
    ]);
  });
});
