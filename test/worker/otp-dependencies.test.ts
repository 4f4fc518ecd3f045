import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clearSmsFaults,
  clearStoreFaults,
  dumpRedis,
  injectSmsFault,
  injectStoreFault,
  latestCode,
  sandboxAttempts,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
} from './support/stack.ts';

afterEach(async () => {
  await clearSmsFaults();
  await clearStoreFaults();
});

async function attemptsTo(phone: string) {
  return (await sandboxAttempts()).filter((attempt) => attempt.dst.replace(/^\+/, '') === phone.slice(1));
}

async function codeKeys(prefix: string) {
  return (await dumpRedis(prefix)).filter((entry) => entry.key.includes(':verification:'));
}

describe('when Plivo refuses or fails', () => {
  it.each([400, 401, 404])('Plivo %i: 502 sms_failed and no valid code is left behind', async (status) => {
    const app = testApp();
    const phone = uniquePhone();
    await injectSmsFault({ status, count: 1 });
    const response = await app.post('/otp/request', { phone });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('sms_failed');
    expect(await codeKeys(app.env.KEY_PREFIX as string)).toEqual([]);
    expect(await sandboxMessages(phone)).toEqual([]);
    // The cooldown went with the code: the user may try again at once.
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
  });

  it.each([429, 500])('Plivo %i: 503 with Retry-After, one attempt only, the code kept', async (status) => {
    const app = testApp();
    const phone = uniquePhone();
    await injectSmsFault({ status, count: 1 });
    const response = await app.post('/otp/request', { phone });
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as { error: { code: string; verificationId?: string } };
    expect(error.code).toBe('unavailable');
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await attemptsTo(phone)).toHaveLength(1);
    expect(await codeKeys(app.env.KEY_PREFIX as string)).toHaveLength(1);
    // The SMS may have gone out: the answer carries the id its code would verify under.
    expect(error.verificationId).toMatch(/^[A-Za-z0-9_-]{90}$/);
    const state = await app.call(`/otp/verifications/${error.verificationId}`);
    expect(await state.json()).toMatchObject({ status: 'pending' });
  });

  it('Plivo timeout: 503 within the timeout, no retry, the code kept', async () => {
    const app = testApp({ PLIVO_TIMEOUT_MS: '500' });
    const phone = uniquePhone();
    await injectSmsFault({ delayMs: 2000, count: 1 });
    const started = Date.now();
    const response = await app.post('/otp/request', { phone });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(elapsed).toBeLessThan(1900);
    // The sandbox finishes the slow send after we gave up: the SMS went out once, never twice.
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(await attemptsTo(phone)).toHaveLength(1);
    expect(await sandboxMessages(phone)).toHaveLength(1);
    expect(await codeKeys(app.env.KEY_PREFIX as string)).toHaveLength(1);
  });

  it('Plivo error text never reaches the client', async () => {
    const app = testApp();
    await injectSmsFault({ status: 400, count: 1 });
    const text = await (await app.post('/otp/request', { phone: uniquePhone() })).text();
    expect(text).not.toMatch(/api_id|plivo/i);
  });
});

describe('when the store fails', () => {
  it('store answering 5xx: 503 and no SMS is sent', async () => {
    const app = testApp();
    const phone = uniquePhone();
    await injectStoreFault({ status: 500, count: 5 });
    const response = await app.post('/otp/request', { phone });
    expect(response.status).toBe(503);
    expect(await attemptsTo(phone)).toEqual([]);
  });

  it('store slower than STORE_TIMEOUT_MS: a quick 503, never approved', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', STORE_TIMEOUT_MS: '300' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    await injectStoreFault({ delayMs: 1500, count: 1 });
    const started = Date.now();
    const response = await app.post('/otp/verify', { verificationId, code });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('store unreachable: 503, no SMS, and the log names the store without echoing arguments', async () => {
    const app = testApp({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9' });
    const phone = uniquePhone();
    const lines: string[] = [];
    // A 5xx is logged at error level.
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      const response = await app.post('/otp/request', { phone });
      expect(response.status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    expect(await attemptsTo(phone)).toEqual([]);
    const log = JSON.parse(lines.at(-1) ?? '{}') as { outcome: string; detail: string };
    expect(log.outcome).toBe('unavailable');
    expect(log.detail).toMatch(/^store: /);
    expect(log.detail).not.toContain('command was');
  });
});
