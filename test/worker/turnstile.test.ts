import { describe, expect, it } from 'vitest';
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';
import {
  countRoundTrips,
  latestCode,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
} from './support/stack.ts';

// Cloudflare's dummy secrets, as local/stand-ins/turnstile-siteverify.ts implements them.
const PASSES = '1x0000000000000000000000000000000AA';
const FAILS = '2x0000000000000000000000000000000AA';
const SPENT = '3x0000000000000000000000000000000AA';

/** The host tests reach the app at (`app.request('/otp/request')` is `http://localhost/...`). */
const OWN_HOST = 'localhost';

/**
 * A fresh token solved on this Worker's own page for the expected action (the stand-in redeems
 * each token once, for the whole test run).
 */
function dummyToken(): string {
  return solvedToken({ hostname: OWN_HOST, action: 'otp-request' });
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; reasons?: string[] } }).error;
}

describe('Turnstile bot check on POST /otp/request (browser callers)', () => {
  it('a valid token in the body sends the SMS', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, turnstileToken: dummyToken() });
    expect(response.status).toBe(200);
    expect(await latestCode(phone)).toMatch(/^\d{6}$/);
  });

  it('a valid token in the cf-turnstile-response header works like one in the body', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone }, { 'cf-turnstile-response': dummyToken() });
    expect(response.status).toBe(200);
    expect(await sandboxMessages(phone)).toHaveLength(1);
  });

  it("a failing token is 403 captcha_failed with Cloudflare's reasons, and no SMS", async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: FAILS });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, turnstileToken: dummyToken() });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({
      code: 'captcha_failed',
      reasons: ['invalid-input-response'],
    });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('a token is redeemed once: the same token again is 403 timeout-or-duplicate, and no second SMS', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const token = dummyToken();
    const [first, second] = [uniquePhone(), uniquePhone()];
    expect((await app.post('/otp/request', { phone: first, turnstileToken: token })).status).toBe(200);
    const replay = await app.post('/otp/request', { phone: second, turnstileToken: token });
    expect(replay.status).toBe(403);
    expect(await errorOf(replay)).toMatchObject({
      code: 'captcha_failed',
      reasons: ['timeout-or-duplicate'],
    });
    expect(await sandboxMessages(first)).toHaveLength(1);
    expect(await sandboxMessages(second)).toEqual([]);
  });

  it('an expired or already spent token is 403 timeout-or-duplicate', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: SPENT });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, turnstileToken: dummyToken() });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ reasons: ['timeout-or-duplicate'] });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('no token is 403 captcha_failed, before any store round trip', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    for (const body of [{ phone }, { phone, turnstileToken: '' }]) {
      const { result, roundTrips } = await countRoundTrips(() => app.post('/otp/request', body));
      expect(result.status).toBe(403);
      expect(await errorOf(result)).toMatchObject({
        code: 'captcha_failed',
        reasons: ['missing-input-response'],
      });
      expect(roundTrips).toBe(0);
    }
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('a refused token costs no store round trip either', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: FAILS });
    const { result, roundTrips } = await countRoundTrips(() =>
      app.post('/otp/request', { phone: uniquePhone(), turnstileToken: dummyToken() }),
    );
    expect(result.status).toBe(403);
    expect(roundTrips).toBe(0);
  });

  it('a token solved for another action (another form) is 403', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', {
      phone,
      turnstileToken: solvedToken({ hostname: OWN_HOST, action: 'other' }),
    });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: 'captcha_failed', reasons: ['action-mismatch'] });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('a token whose widget set no action is 403 action-mismatch when an action is expected', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    for (const token of [
      solvedToken({ hostname: OWN_HOST }),
      solvedToken({ hostname: OWN_HOST, action: '' }),
    ]) {
      const response = await app.post('/otp/request', { phone, turnstileToken: token });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({ code: 'captcha_failed', reasons: ['action-mismatch'] });
    }
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('the expected action is a setting', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES, TURNSTILE_EXPECTED_ACTION: 'other' });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', {
      phone,
      turnstileToken: solvedToken({ hostname: OWN_HOST, action: 'other' }),
    });
    expect(response.status).toBe(200);
  });

  it('a token solved on another hostname is 403 captcha_failed hostname-mismatch, and no SMS', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES, CORS_ORIGINS: 'https://app.example.net' });
    const phone = uniquePhone();
    for (const hostname of ['evil.example.org', 'example.net', 'app.example.net.evil.example.org']) {
      const response = await app.post('/otp/request', {
        phone,
        turnstileToken: solvedToken({ hostname, action: 'otp-request' }),
      });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({
        code: 'captcha_failed',
        reasons: ['hostname-mismatch'],
      });
    }
    // Both wrong: both named.
    const both = await app.post('/otp/request', {
      phone,
      turnstileToken: solvedToken({ hostname: 'evil.example.org', action: 'other' }),
    });
    expect(await errorOf(both)).toMatchObject({ reasons: ['hostname-mismatch', 'action-mismatch'] });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('by default a token may come from the hosts of CORS_ORIGINS or from this Worker’s own host', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES, CORS_ORIGINS: 'https://app.example.net:8443' });
    for (const hostname of ['app.example.net', OWN_HOST]) {
      const response = await app.post('/otp/request', {
        phone: uniquePhone(),
        turnstileToken: solvedToken({ hostname, action: 'otp-request' }),
      });
      expect(response.status).toBe(200);
    }
  });

  it('TURNSTILE_ALLOWED_HOSTNAMES replaces the default list, own host included', async () => {
    const app = testApp({
      TURNSTILE_SECRET_KEY: PASSES,
      TURNSTILE_ALLOWED_HOSTNAMES: 'Signup.Example.com, example.com',
      CORS_ORIGINS: 'https://app.example.net',
    });
    const answers = [];
    for (const hostname of ['signup.example.com', 'example.com', 'app.example.net', OWN_HOST]) {
      const response = await app.post('/otp/request', {
        phone: uniquePhone(),
        turnstileToken: solvedToken({ hostname, action: 'otp-request' }),
      });
      answers.push(response.status === 200 ? 'sent' : (await errorOf(response)).reasons?.join());
    }
    expect(answers).toEqual(['sent', 'sent', 'hostname-mismatch', 'hostname-mismatch']);
  });

  it('a header token longer than any real token is refused without asking siteverify', async () => {
    const app = testApp({
      TURNSTILE_SECRET_KEY: PASSES,
      TURNSTILE_SITEVERIFY_URL: 'http://127.0.0.1:9/siteverify',
    });
    const response = await app.post(
      '/otp/request',
      { phone: uniquePhone() },
      { 'cf-turnstile-response': 'x'.repeat(2049) },
    );
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ reasons: ['invalid-input-response'] });
  });

  it('siteverify unreachable: 503 unavailable and no SMS', async () => {
    const app = testApp({
      TURNSTILE_SECRET_KEY: PASSES,
      TURNSTILE_SITEVERIFY_URL: 'http://127.0.0.1:9/siteverify',
    });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, turnstileToken: dummyToken() });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatchObject({ code: 'unavailable' });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('siteverify answering 5xx: 503 unavailable and no SMS', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', {
      phone,
      turnstileToken: `stand-in:http-500:${crypto.randomUUID()}`,
    });
    expect(response.status).toBe(503);
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('siteverify slower than TURNSTILE_TIMEOUT_MS: a quick 503 and no SMS', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES, TURNSTILE_TIMEOUT_MS: '200' });
    const phone = uniquePhone();
    const started = Date.now();
    const response = await app.post('/otp/request', {
      phone,
      turnstileToken: `stand-in:slow:${crypto.randomUUID()}`,
    });
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('a secret siteverify does not know is our fault: 503, not a 403 the visitor cannot fix', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: '0x0000000000000000000000000000000AA' });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, turnstileToken: dummyToken() });
    expect(response.status).toBe(503);
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('without TURNSTILE_SECRET_KEY (the default) browsers need no token', async () => {
    const app = testApp();
    const phone = uniquePhone();
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
  });

  it('only POST /otp/request asks for a token: verify does not', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: PASSES });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { turnstileToken: dummyToken() });
    const code = await latestCode(phone);
    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
  });

  it('the token field is documented in /openapi.json', async () => {
    const app = testApp();
    const document = (await (await app.call('/openapi.json')).json()) as {
      components: { schemas: { OtpRequest: { properties: Record<string, { description?: string }> } } };
    };
    expect(document.components.schemas.OtpRequest.properties.turnstileToken?.description).toMatch(
      /Turnstile/,
    );
  });
});
