import { describe, expect, it } from 'vitest';
import {
  latestCode,
  race,
  sandboxAttempts,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
  verificationIdOf,
} from './support/stack.ts';

describe('races against the real store', () => {
  it('exactly one success when the same code is verified 50 times concurrently', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);

    const responses = await race(50, () => app.post('/otp/verify', { verificationId, code }));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 404)).toBe(true);
  });

  it('50 concurrent wrong guesses: at most OTP_MAX_ATTEMPTS evaluated, then the code is burned', async () => {
    const app = testApp({ OTP_MAX_FAILURES_PER_DAY: '100', OTP_MAX_FAILURES_PER_CLIENT: '100' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const wrong = code === '000000' ? '000001' : '000000';

    const responses = await race(50, () => app.post('/otp/verify', { verificationId, code: wrong }));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as {
      error: { code: string; attemptsRemaining?: number };
    }[];
    const evaluated = bodies.filter((body) => body.error.code === 'invalid_code');
    expect(evaluated).toHaveLength(5);
    expect(evaluated.map((body) => body.error.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(bodies.filter((body) => body.error.code === 'max_attempts_reached')).toHaveLength(45);

    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(429);
  });

  it('20 concurrent requests for one number send exactly one SMS', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const attemptsBefore = (await sandboxAttempts()).filter((attempt) =>
      attempt.dst.endsWith(phone.slice(1)),
    ).length;

    const responses = await race(20, () => app.post('/otp/request', { phone }));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(19);
    expect(await sandboxMessages(phone)).toHaveLength(1);
    const attemptsAfter = (await sandboxAttempts()).filter((attempt) =>
      attempt.dst.endsWith(phone.slice(1)),
    ).length;
    expect(attemptsAfter - attemptsBefore).toBe(1);
  });

  it('a verify racing a resend never leaves two valid codes', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = uniquePhone();
    const oldId = await startVerification(app, phone);
    const oldCode = await latestCode(phone);

    const [, resend] = await race(2, (index) =>
      index === 0
        ? app.post('/otp/verify', { verificationId: oldId, code: oldCode })
        : app.post('/otp/request', { phone }),
    );
    const newId = await verificationIdOf(resend as Response);
    const newCode = await latestCode(phone);
    // Whatever the order was, only the newest verification can still be valid.
    expect((await app.post('/otp/verify', { verificationId: oldId, code: oldCode })).status).toBe(404);
    expect((await app.post('/otp/verify', { verificationId: newId, code: newCode })).status).toBe(200);
  });
});
