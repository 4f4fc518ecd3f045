import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { captureLogs } from './support/logs.ts';
import { latestCode, testApp, testEnv, uniquePhone } from './support/stack.ts';

describe('configuration', () => {
  it('the test configuration parses', () => {
    expect(parseConfig(testEnv())).toMatchObject({ ok: true });
  });

  it('an invalid setting: every request answers 503 misconfigured and one log line names it without its value', async () => {
    const app = testApp({ OTP_SECRET: 'short-secret-value', OTP_TTL_SECONDS: '900' });
    const { result, lines } = await captureLogs(() => app.post('/otp/request', { phone: uniquePhone() }));
    expect(result.status).toBe(503);
    expect(await result.json()).toMatchObject({ error: { code: 'misconfigured' } });
    // One line for the request, carrying the problems: not a second line beside it.
    expect(lines).toHaveLength(1);
    const problemLine = lines.find((line) => line.includes('misconfigured') && line.includes('problems'));
    expect(problemLine).toContain('OTP_SECRET');
    expect(problemLine).toContain('OTP_TTL_SECONDS');
    expect(lines.join('\n')).not.toContain('short-secret-value');
    expect((await app.call('/health')).status).toBe(503);
  });

  it('production without RECEIPT_AUDIENCE answers 503 misconfigured, and the log names it', async () => {
    const app = testApp({ ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US', RECEIPT_AUDIENCE: '' });
    const { result, lines } = await captureLogs(() => app.call('/health'));
    expect(result.status).toBe(503);
    expect(await result.json()).toMatchObject({ error: { code: 'misconfigured' } });
    expect(JSON.parse(lines[0] ?? '{}').problems).toEqual([
      expect.stringMatching(/^RECEIPT_AUDIENCE: production needs the audience/),
    ]);
    const set = testApp({
      ENVIRONMENT: 'production',
      ALLOWED_COUNTRIES: 'US',
      RECEIPT_AUDIENCE: 'my-backend',
    });
    expect((await set.call('/health')).status).toBe(200);
  });

  it('every request is logged once, as one JSON line', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const { lines } = await captureLogs(async () => {
      const requested = await app.post('/otp/request', { phone });
      const { verificationId } = (await requested.json()) as { verificationId: string };
      await app.post('/otp/verify', { verificationId, code: '000000' });
      await app.call('/health');
      await app.call('/no-such-route');
    });
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => JSON.parse(line).route)).toEqual([
      '/otp/request',
      '/otp/verify',
      '/health',
      '/*',
    ]);
  });

  it.each([
    ['OTP_LENGTH', '5'],
    ['OTP_LENGTH', '11'],
    ['OTP_MAX_FAILURES_PER_DAY', '101'],
    ['RECEIPT_SIGNING_KEY', '{"kty":"oct","k":"abc"}'],
    ['UPSTASH_REDIS_REST_URL', 'not a url'],
    ['TURNSTILE_ALLOWED_HOSTNAMES', 'https://app.example.com'],
    ['TURNSTILE_ALLOWED_HOSTNAMES', 'app.example.com:8443'],
    ['TURNSTILE_ALLOWED_HOSTNAMES', '*.example.com'],
    ['TURNSTILE_ALLOWED_HOSTNAMES', ' , '],
  ])('refuses %s=%s', (name, value) => {
    const result = parseConfig(testEnv({ [name]: value }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toContain(name);
  });

  it('refuses both or neither of PLIVO_SENDER and PLIVO_POWERPACK_UUID', () => {
    expect(parseConfig(testEnv({ PLIVO_POWERPACK_UUID: 'b7f3c5d1-0000-4000-8000-000000000000' })).ok).toBe(
      false,
    );
    expect(parseConfig(testEnv({ PLIVO_SENDER: '' })).ok).toBe(false);
  });

  it('refuses an SMS text that would not fit one GSM-7 segment, at load time', () => {
    const unicode = parseConfig(testEnv({ APP_NAME: 'Café ☕' }));
    expect(unicode.ok).toBe(false);
    const long = parseConfig(
      testEnv({
        APP_NAME: 'A'.repeat(30),
        WEBOTP_DOMAIN: `${'sub.'.repeat(15)}example.com`,
        OTP_LENGTH: '10',
      }),
    );
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.problems.join()).toMatch(/segment/);
  });
});

describe('request logs', () => {
  it('one JSON line per request, with the number masked and never the code', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const requested = await captureLogs(() => app.post('/otp/request', { phone }));
    const { verificationId } = (await requested.result.json()) as { verificationId: string };
    const code = await latestCode(phone);
    const wrong = await captureLogs(() =>
      app.post('/otp/verify', { verificationId, code: code === '000000' ? '000001' : '000000' }),
    );
    const verified = await captureLogs(() => app.post('/otp/verify', { verificationId, code }));

    // Before an approval the number is only sealed in the store: the line has the country alone.
    expect(JSON.parse(wrong.lines[0] ?? '')).not.toHaveProperty('phone');
    for (const { lines } of [requested, verified, wrong]) {
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      expect(entry).toMatchObject({
        requestId: expect.any(String),
        route: expect.stringMatching(/^\/otp\//),
        country: 'US',
        latencyMs: expect.any(Number),
        storeRoundTrips: expect.any(Number),
      });
      if (entry.phone !== undefined) expect(entry.phone).toMatch(/^\+14\*+\d\d$/);
      const text = lines.join('\n');
      expect(text).not.toContain(phone.slice(1));
      expect(text).not.toContain(code);
      expect(text).not.toContain(verificationId);
    }
    expect(JSON.parse(verified.lines[0] ?? '')).toMatchObject({ outcome: 'approved', storeRoundTrips: 1 });
  });
});
