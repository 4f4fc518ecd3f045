import { describe, expect, it } from 'vitest';
import { parsePlivoXml } from '../../local/plivo-sandbox/plivo-xml.ts';
import { relayUrl, replay } from './support/callbacks.ts';
import {
  latestCode,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';
import { answerRequestOf, callTo, digitsOf, spoken } from './support/voice-calls.ts';

/**
 * POST /otp/verifications/{id}/channel through the real stack: the switch's call is placed by the
 * Plivo sandbox, whose signed answer request the test replays into the Worker to hear the code.
 */

interface Clocked extends TestApp {
  now: number;
}

function switchApp(overrides: Record<string, string> = {}): Clocked {
  const clocked = { now: Date.now() };
  const app = testApp(
    { PLIVO_VOICE_SRC: '+14155550122', PUBLIC_BASE_URL: relayUrl, ...overrides },
    { clock: { nowMs: () => clocked.now } },
  );
  return Object.assign(clocked, app);
}

function switchTo(app: TestApp, verificationId: string, channel: string): Promise<Response> {
  return app.post(`/otp/verifications/${verificationId}/channel`, { channel });
}

function verify(app: TestApp, verificationId: string, code: string): Promise<Response> {
  return app.post('/otp/verify', { verificationId, code });
}

async function spokenCode(phone: string, app: TestApp): Promise<string> {
  const answer = await answerRequestOf(await callTo(phone));
  return digitsOf(await spoken(await replay(app, answer))).slice(0, 6);
}

describe('channel switch ("call me instead")', () => {
  it('is 429 fallback_too_soon before OTP_FALLBACK_DELAY_SECONDS, then calls with a new code: the old code is dead, attempts carry over, amr voice', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '20' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const smsCode = await latestCode(phone);
    const wrong = smsCode === '000000' ? '111111' : '000000';
    expect(await (await verify(app, verificationId, wrong)).json()).toMatchObject({
      error: { code: 'invalid_code', attemptsRemaining: 4 },
    });

    app.now += 19_000;
    const early = await switchTo(app, verificationId, 'voice');
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(await early.json()).toMatchObject({ error: { code: 'fallback_too_soon', retryAfterSeconds: 1 } });

    app.now += 1_000;
    const switched = await switchTo(app, verificationId, 'voice');
    expect(switched.status).toBe(200);
    expect(await switched.json()).toEqual({
      verificationId,
      status: 'pending',
      channel: 'voice',
      expiresInSeconds: 300,
      resendAfterSeconds: 60,
    });
    const voiceCode = await spokenCode(phone, app);
    expect(voiceCode).toMatch(/^\d{6}$/);

    const status = await app.call(`/otp/verifications/${verificationId}`, {
      headers: { 'cf-connecting-ip': '203.0.113.7' },
    });
    expect(await status.json()).toMatchObject({ status: 'pending', channel: 'voice', attemptsRemaining: 4 });

    if (smsCode !== voiceCode) {
      expect(await (await verify(app, verificationId, smsCode)).json()).toMatchObject({
        error: { code: 'invalid_code', attemptsRemaining: 3 },
      });
    }
    const approved = await verify(app, verificationId, voiceCode);
    expect(approved.status).toBe(200);
    const { receipt } = (await approved.json()) as { receipt: string };
    const payload = receipt.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { amr: string[] };
    expect(claims.amr).toEqual(['voice']);
  });

  it('voice, then SMS, then voice again: the second call speaks its own code once; neither URL speaks on a replay', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { channel: 'voice' });
    const firstAnswer = await answerRequestOf(await callTo(phone));
    const firstCode = digitsOf(await spoken(await replay(app, firstAnswer))).slice(0, 6);
    expect(firstCode).toMatch(/^\d{6}$/);

    app.now += 1_000;
    expect((await switchTo(app, verificationId, 'sms')).status).toBe(200);
    app.now += 1_000;
    expect((await switchTo(app, verificationId, 'voice')).status).toBe(200);
    const secondAnswer = await answerRequestOf(await callTo(phone));
    expect(secondAnswer.path).not.toBe(firstAnswer.path);
    const secondCode = digitsOf(await spoken(await replay(app, secondAnswer))).slice(0, 6);
    // Placed, paid, and it speaks: the claim is the code's, not the verification's.
    expect(secondCode).toMatch(/^\d{6}$/);

    // A replay of either URL hears nothing: the second's code was spoken, the first's is replaced.
    for (const answer of [secondAnswer, firstAnswer])
      expect(await spoken(await replay(app, answer))).toBe('');
    expect((await verify(app, verificationId, secondCode)).status).toBe(200);
  });

  it('refuses the channel the code already went out on (400): a resend is the cooldown’s business', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0' });
    const verificationId = await startVerification(app, uniquePhone());
    const same = await switchTo(app, verificationId, 'sms');
    expect(same.status).toBe(400);
    expect(await same.json()).toMatchObject({
      error: { code: 'invalid_request', issues: [{ field: 'channel' }] },
    });
  });

  it('answers 404 for unknown, canceled and approved verifications, and sends nothing', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0' });
    const canceledPhone = uniquePhone();
    const canceled = await startVerification(app, canceledPhone);
    const cancel = await app.call(`/otp/verifications/${canceled}`, {
      method: 'DELETE',
      headers: { 'cf-connecting-ip': '203.0.113.7' },
    });
    expect(cancel.status).toBe(200);
    const approvedPhone = uniquePhone();
    const approved = await startVerification(app, approvedPhone);
    expect((await verify(app, approved, await latestCode(approvedPhone))).status).toBe(200);
    const unknown = `${canceled.slice(0, -2)}${canceled.endsWith('AA') ? 'BA' : 'AA'}`;

    for (const id of [canceled, approved, unknown]) {
      const response = await switchTo(app, id, 'voice');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'verification_not_found' } });
    }
    for (const phone of [canceledPhone, approvedPhone]) {
      await expect(callTo(phone)).rejects.toThrow(/no call/);
    }
  });

  it('is a send: the per-number limit refuses it (429 rate_limited), nothing is called and the SMS code still works', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0', RATE_LIMIT_SEND_PER_PHONE: '1/1h' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const refused = await switchTo(app, verificationId, 'voice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', scope: 'phone' } });
    await expect(callTo(phone)).rejects.toThrow(/no call/);
    expect((await verify(app, verificationId, await latestCode(phone))).status).toBe(200);
  });

  it('on a used-up verification sends nothing (429 max_attempts_reached): its attempts carry over, so a new code could never verify', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0', OTP_MAX_ATTEMPTS: '2' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let guess = 0; guess < 2; guess += 1) await verify(app, verificationId, wrong);
    const refused = await switchTo(app, verificationId, 'voice');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'max_attempts_reached' } });
    await expect(callTo(phone)).rejects.toThrow(/no call/);
  });

  it('speaks the new code in the language the request asked for, not only the number’s country', async () => {
    const app = switchApp({ OTP_FALLBACK_DELAY_SECONDS: '0' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { locale: 'pt-BR' });
    expect((await sandboxMessages(phone))[0]?.text).toMatch(/código/);
    expect((await switchTo(app, verificationId, 'voice')).status).toBe(200);
    const answer = await replay(app, await answerRequestOf(await callTo(phone)));
    const xml = parsePlivoXml(await answer.text());
    if (!xml.ok) throw new Error(xml.error);
    expect(xml.instructions[0]).toMatchObject({
      kind: 'speak',
      language: 'pt-BR',
      text: expect.stringMatching(/^Seu código/),
    });
  });

  it('rejects a body without a known channel (400 invalid_request)', async () => {
    const app = switchApp();
    const verificationId = await startVerification(app, uniquePhone());
    for (const body of [{}, { channel: 'pigeon' }, { channel: 'voice', extra: 1 }]) {
      const response = await app.post(`/otp/verifications/${verificationId}/channel`, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });
});
