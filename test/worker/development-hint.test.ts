import { describe, expect, it } from 'vitest';
import { startVerification, testApp, uniquePhone } from './support/stack.ts';

/**
 * Under `npm run dev` every request comes from 127.0.0.1, so exploring meets the limits meant for
 * one client. In development only, the 429s a reset lifts say how; elsewhere the body is unchanged.
 */

const INBOX = 'http://127.0.0.1:8790/';

async function resendTooSoon(environment: string) {
  const app = testApp({
    ENVIRONMENT: environment,
    ALLOWED_COUNTRIES: 'US',
    SANDBOX_INBOX_URL: INBOX,
  });
  const phone = uniquePhone();
  await startVerification(app, phone);
  const again = await app.post('/otp/request', { phone });
  expect(again.status).toBe(429);
  return (await again.json()) as { error: Record<string, unknown> };
}

async function rateLimited(environment: string) {
  const app = testApp({
    ENVIRONMENT: environment,
    ALLOWED_COUNTRIES: 'US',
    RATE_LIMIT_SEND_PER_IP: '1/1h',
    SANDBOX_INBOX_URL: INBOX,
  });
  await startVerification(app, uniquePhone());
  const limited = await app.post('/otp/request', { phone: uniquePhone() });
  expect(limited.status).toBe(429);
  return (await limited.json()) as { error: Record<string, unknown> };
}

describe('a 429 in development says how to reset the local limits', () => {
  it('resend_too_soon and rate_limited name the inbox button and the command', async () => {
    for (const body of [await resendTooSoon('development'), await rateLimited('development')]) {
      expect(body.error.hint).toBe(
        `Development only: your own requests from this machine met this limit. Lift it (and every local limit, cooldown and lockout) at once with "Reset local limits" in the Plivo sandbox inbox (${INBOX}) or \`npm run local:reset-limits\`.`,
      );
    }
  });

  it.each(['production', 'staging', 'test'])(
    '%s bodies carry no hint: exactly the code, message, wait',
    async (environment) => {
      const cooldown = await resendTooSoon(environment);
      expect(Object.keys(cooldown.error).sort()).toEqual(['code', 'message', 'retryAfterSeconds']);
      const limited = await rateLimited(environment);
      expect(Object.keys(limited.error).sort()).toEqual(['code', 'message', 'retryAfterSeconds', 'scope']);
    },
  );

  it('other errors carry none in development either', async () => {
    const app = testApp({ ENVIRONMENT: 'development' });
    const body = (await (await app.post('/otp/request', { phone: '+1415' })).json()) as {
      error: Record<string, unknown>;
    };
    expect(body.error.hint).toBeUndefined();
  });
});
