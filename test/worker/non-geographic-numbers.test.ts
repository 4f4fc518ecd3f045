import { describe, expect, it } from 'vitest';
import { sandboxAttempts, testApp } from './support/stack.ts';

/** Satellite (+881 Iridium/Globalstar, +870 Inmarsat) and other numbers without a country: `XX`. */
const SATELLITE = ['+881612345678', '+870301234567'];

async function attemptsTo(phone: string): Promise<number> {
  return (await sandboxAttempts()).filter((attempt) => attempt.dst.replace(/^\+/, '') === phone.slice(1))
    .length;
}

describe('non-geographic and satellite numbers', () => {
  it.each(SATELLITE)(
    '%s is 403 country_not_allowed (country XX) with ALLOWED_COUNTRIES=*, and gets no SMS',
    async (phone) => {
      const app = testApp({ ALLOWED_COUNTRIES: '*' });
      const response = await app.post('/otp/request', { phone });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'country_not_allowed', country: 'XX' } });
      expect(await attemptsTo(phone)).toBe(0);
    },
  );

  it.each([
    ['*,XX', SATELLITE[0]],
    ['XX, US', SATELLITE[1]],
  ])('ALLOWED_COUNTRIES=%s lets %s receive a code', async (allowed, phone) => {
    const app = testApp({ ALLOWED_COUNTRIES: allowed, OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const before = await attemptsTo(phone as string);
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
    expect(await attemptsTo(phone as string)).toBe(before + 1);
  });

  it('a list without XX still refuses them', async () => {
    const app = testApp({ ALLOWED_COUNTRIES: 'US,GB' });
    expect((await app.post('/otp/request', { phone: SATELLITE[0] })).status).toBe(403);
  });
});
