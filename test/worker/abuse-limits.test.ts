import { getExampleNumber } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearStoreFaults,
  countRoundTrips,
  injectStoreFault,
  latestCode,
  sandboxAttempts,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
} from './support/stack.ts';

afterEach(async () => {
  await clearStoreFaults();
});

let ipCounter = 0;
/** A fresh client IP, so per-IP limits do not interfere with the limit under test. */
function freshIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; scope?: string; retryAfterSeconds?: number } })
    .error;
}

async function smsAttemptsTo(numbers: string[]) {
  const wanted = new Set(numbers.map((number) => number.replace(/^\+/, '')));
  return (await sandboxAttempts()).filter((attempt) => wanted.has(attempt.dst.replace(/^\+/, '')));
}

function mobileExample(country: keyof typeof mobileExamples): string {
  const example = getExampleNumber(country, mobileExamples);
  if (!example) throw new Error(`no example for ${country}`);
  return example.number;
}

// These protect the plain limits on their own, so the fraud guard (its own file) is off here: with
// it on, a range or block budget would refuse first and hide the limit under test.
describe('plain send limits (sliding windows in the admission script)', () => {
  it('the hourly cap per number holds past the cooldown: 429 rate_limited scope phone, no SMS', async () => {
    const app = testApp({
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      RATE_LIMIT_SEND_PER_PHONE: '3/1h',
      FRAUD_GUARD: 'off',
    });
    const phone = uniquePhone();
    for (let send = 0; send < 3; send += 1) {
      expect((await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() })).status).toBe(200);
    }
    const capped = await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() });
    expect(capped.status).toBe(429);
    const error = await errorOf(capped);
    expect(error).toMatchObject({ code: 'rate_limited', scope: 'phone' });
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(capped.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(await sandboxMessages(phone)).toHaveLength(3);
  });

  it('sends to 50 numbers of one prefix: the prefix limit trips and no SMS goes out past it', async () => {
    const app = testApp({ RATE_LIMIT_SEND_PER_PREFIX: '15/1h', FRAUD_GUARD: 'off' });
    const numbers = Array.from({ length: 50 }, (_, index) => `+1415234${String(5000 + index)}`);
    const statuses: number[] = [];
    const scopes: (string | undefined)[] = [];
    for (const phone of numbers) {
      const response = await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() });
      statuses.push(response.status);
      if (response.status !== 200) scopes.push((await errorOf(response)).scope);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(15);
    expect(new Set(scopes)).toEqual(new Set(['prefix']));
    expect(await smsAttemptsTo(numbers)).toHaveLength(15);
  });

  it('sends across many countries: the global breaker trips and no SMS goes out past it', async () => {
    const app = testApp({ RATE_LIMIT_SEND_GLOBAL: '6/1h' });
    const countries = ['GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'IN', 'BR', 'AU', 'JP', 'MX'] as const;
    const numbers = countries.map(mobileExample);
    const outcomes = [];
    for (const phone of numbers) {
      const response = await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() });
      outcomes.push(response.status === 200 ? 'sent' : (await errorOf(response)).scope);
    }
    expect(outcomes).toEqual([...Array(6).fill('sent'), ...Array(6).fill('global')]);
    expect(await smsAttemptsTo(numbers)).toHaveLength(6);
  });

  it('the per-country cap counts only its own country', async () => {
    const app = testApp({ RATE_LIMIT_SEND_PER_COUNTRY: '2/1h' });
    const british = ['+447400123101', '+447400123102', '+447400123103'];
    const results = [];
    for (const phone of british) {
      const response = await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() });
      results.push(response.status === 200 ? 'sent' : (await errorOf(response)).scope);
    }
    expect(results).toEqual(['sent', 'sent', 'country']);
    const american = await app.post(
      '/otp/request',
      { phone: uniquePhone() },
      { 'cf-connecting-ip': freshIp() },
    );
    expect(american.status).toBe(200);
  });

  it('the per-IP limit uses CF-Connecting-IP only: spoofed X-Forwarded-For and unauthenticated X-End-User-IP change nothing', async () => {
    const app = testApp({ RATE_LIMIT_SEND_PER_IP: '2/1h' });
    const ip = freshIp();
    const statuses = [];
    for (let send = 0; send < 3; send += 1) {
      const response = await app.post(
        '/otp/request',
        { phone: uniquePhone() },
        {
          'cf-connecting-ip': ip,
          'x-forwarded-for': freshIp(),
          'x-real-ip': freshIp(),
          'x-end-user-ip': freshIp(),
        },
      );
      statuses.push(response.status === 200 ? 'sent' : (await errorOf(response)).scope);
    }
    expect(statuses).toEqual(['sent', 'sent', 'ip']);
  });

  it('all send limits and the issue together cost one round trip, and a caller known to be blocked costs none', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', RATE_LIMIT_SEND_PER_PHONE: '1/1h' });
    const phone = uniquePhone();
    const first = await countRoundTrips(() => app.post('/otp/request', { phone }));
    expect(first.result.status).toBe(200);
    expect(first.roundTrips).toBe(1);
    const limited = await countRoundTrips(() => app.post('/otp/request', { phone }));
    expect(limited.result.status).toBe(429);
    expect(limited.roundTrips).toBe(1);
    const again = await countRoundTrips(() => app.post('/otp/request', { phone }));
    expect(again.result.status).toBe(429);
    expect(again.roundTrips).toBe(0);
  });
});

describe('verify limit per client IP', () => {
  it('100 verifies from one IP: the per-IP limit stops it after 60, whatever each one was', async () => {
    const app = testApp({ RATE_LIMIT_VERIFY_PER_IP: '60/10m' });
    const target = uniquePhone();
    const targetId = await startVerification(app, target, { 'cf-connecting-ip': freshIp() });
    const code = await latestCode(target);
    const decoy = uniquePhone();
    const decoyId = await startVerification(app, decoy, { 'cf-connecting-ip': freshIp() });

    const attacker = freshIp();
    const outcomes: string[] = [];
    for (let guess = 0; guess < 100; guess += 1) {
      const response = await app.post(
        '/otp/verify',
        { verificationId: decoyId, code: '123456' },
        { 'cf-connecting-ip': attacker },
      );
      if (response.status === 400) outcomes.push('400');
      else {
        const error = await errorOf(response);
        outcomes.push(`${error.scope ?? error.code}`);
      }
    }
    // 5 evaluated, then refused (burned code, then the network's own failure cap), each one counted.
    expect(
      outcomes
        .slice(0, 60)
        .every((outcome) => ['400', 'max_attempts_reached', 'too_many_attempts'].includes(outcome)),
    ).toBe(true);
    expect(outcomes.slice(60).every((outcome) => outcome === 'ip')).toBe(true);

    // Even the right code of another verification is not evaluated from a blocked IP, and costs no round trip.
    const blocked = await countRoundTrips(() =>
      app.post('/otp/verify', { verificationId: targetId, code }, { 'cf-connecting-ip': attacker }),
    );
    expect(blocked.result.status).toBe(429);
    expect(blocked.roundTrips).toBe(0);
    // Another IP is unaffected and the code is still good.
    expect(
      (await app.post('/otp/verify', { verificationId: targetId, code }, { 'cf-connecting-ip': freshIp() }))
        .status,
    ).toBe(200);
  });
});

describe('who may receive codes', () => {
  it('a number outside ALLOWED_COUNTRIES is 403 country_not_allowed and gets no SMS', async () => {
    const app = testApp({ ALLOWED_COUNTRIES: 'US, ca' });
    const british = '+447400123555';
    const response = await app.post('/otp/request', { phone: british });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: 'country_not_allowed' });
    expect(await smsAttemptsTo([british])).toEqual([]);
    expect((await app.post('/otp/request', { phone: uniquePhone() })).status).toBe(200);
    expect((await app.post('/otp/request', { phone: mobileExample('CA') })).status).toBe(200);
  });

  it('production refuses to run without an explicit country list', async () => {
    const app = testApp({ ENVIRONMENT: 'production' });
    const response = await app.post('/otp/request', { phone: uniquePhone() });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatchObject({ code: 'misconfigured' });
    const listed = testApp({ ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US' });
    expect((await listed.post('/otp/request', { phone: uniquePhone() })).status).toBe(200);
  });

  it.each([
    ['+442079460958', 'a landline'],
    ['+449012345678', 'a premium-rate number'],
    ['+18002345678', 'a toll-free number'],
    ['+445612345678', 'a VoIP number'],
  ])('%s (%s) is 422 unsupported_number and gets no SMS', async (phone) => {
    const app = testApp();
    const response = await app.post('/otp/request', { phone });
    expect(response.status).toBe(422);
    expect(await errorOf(response)).toMatchObject({ code: 'unsupported_number' });
    expect(await smsAttemptsTo([phone])).toEqual([]);
  });
});

describe('the limiter fails closed', () => {
  it('limiter store answering 5xx: 503, no SMS', async () => {
    const app = testApp();
    const phone = uniquePhone();
    await injectStoreFault({ status: 503, count: 1 });
    const response = await app.post('/otp/request', { phone });
    expect(response.status).toBe(503);
    expect(await smsAttemptsTo([phone])).toEqual([]);
  });

  it('limiter store slower than its timeout: a quick 503, no SMS', async () => {
    const app = testApp({ STORE_TIMEOUT_MS: '300' });
    const phone = uniquePhone();
    await injectStoreFault({ delayMs: 2000, count: 1 });
    const started = Date.now();
    const response = await app.post('/otp/request', { phone });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(response.status).toBe(503);
    expect(await smsAttemptsTo([phone])).toEqual([]);
  });

  it('limiter store down: verify is 503, never approved', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const down = testApp({
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9',
      KEY_PREFIX: app.env.KEY_PREFIX as string,
    });
    const response = await down.post('/otp/verify', { verificationId, code });
    expect(response.status).toBe(503);
    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
  });
});
