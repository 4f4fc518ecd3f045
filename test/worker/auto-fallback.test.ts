import { afterEach, describe, expect, it } from 'vitest';
import { callbacksFor, fieldsOf, type RelayedCallback, relayUrl, replay } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import { failingSmsNumber } from './support/numbers.ts';
import {
  clearStoreFaults,
  countRoundTrips,
  injectStoreFault,
  latestCode,
  plivoUrl,
  sandboxMessages,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';
import { answerRequestOf, callTo, digitsOf, spoken } from './support/voice-calls.ts';

/**
 * `channel: "auto"` through the real stack: the SMS goes to the Plivo sandbox, whose numbers
 * ending 0000 fail delivery (`queued`, then `failed`) while their phone still answers calls. The
 * sandbox posts its signed reports to the callback relay (PUBLIC_BASE_URL); the test replays them
 * into the Worker as Plivo would deliver them, and the Worker places the call by itself.
 */

const VOICE = { PLIVO_VOICE_SRC: '+14155550122', PUBLIC_BASE_URL: relayUrl };

async function callsTo(phone: string): Promise<unknown[]> {
  return (await (
    await fetch(`${plivoUrl}/__sandbox/calls?to=${encodeURIComponent(phone)}`)
  ).json()) as unknown[];
}

/** The SMS's reports as the sandbox sent them: `queued`, then `failed`. */
async function reportsOf(phone: string): Promise<{ queued: RelayedCallback; failed: RelayedCallback }> {
  const [sms] = await sandboxMessages(phone);
  if (!sms) throw new Error(`no SMS to ${phone}`);
  const [queued, failed] = await callbacksFor(sms.uuid, 2);
  if (!queued || !failed) throw new Error('missing reports');
  expect([fieldsOf(queued).get('Status'), fieldsOf(failed).get('Status')]).toEqual(['queued', 'failed']);
  return { queued, failed };
}

async function deliver(app: TestApp, report: RelayedCallback): Promise<{ status: number; body: unknown }> {
  const response = await replay(app, report);
  return { status: response.status, body: await response.json() };
}

async function spokenCode(app: TestApp, phone: string): Promise<string> {
  const answer = await answerRequestOf(await callTo(phone));
  return digitsOf(await spoken(await replay(app, answer))).slice(0, 6);
}

function verify(app: TestApp, verificationId: string, code: string): Promise<Response> {
  return app.post('/otp/verify', { verificationId, code });
}

async function requestAuto(app: TestApp, phone: string): Promise<string> {
  const response = await app.post('/otp/request', { phone, channel: 'auto' });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { verificationId: string };
  expect(body).toMatchObject({ status: 'pending', channel: 'sms', fallback: 'voice' });
  return body.verificationId;
}

afterEach(async () => {
  await clearStoreFaults();
});

describe('channel "auto": SMS first, a call when Plivo reports the SMS failed', () => {
  it('calls by itself on the failed report with a fresh code: the SMS code is dead, attempts carry over, amr voice, one call for repeated reports', async () => {
    const app = testApp(VOICE);
    const phone = failingSmsNumber();
    const verificationId = await requestAuto(app, phone);
    const smsCode = await latestCode(phone);
    const wrong = smsCode === '000000' ? '111111' : '000000';
    expect(await (await verify(app, verificationId, wrong)).json()).toMatchObject({
      error: { code: 'invalid_code', attemptsRemaining: 4 },
    });

    const { queued, failed } = await reportsOf(phone);
    expect(await deliver(app, queued)).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(await callsTo(phone)).toEqual([]);

    // The report and the call's admission: two store round trips, the call placed before the answer.
    const { result, lines } = await captureLogs(() => countRoundTrips(() => deliver(app, failed)));
    expect(result).toEqual({ result: { status: 200, body: { status: 'recorded' } }, roundTrips: 2 });
    expect(await callsTo(phone)).toHaveLength(1);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ outcome: 'recorded', detail: expect.stringMatching(/auto call: switched$/) }),
    ]);

    const status = await app.call(`/otp/verifications/${verificationId}`, {
      headers: { 'cf-connecting-ip': '203.0.113.7' },
    });
    expect(await status.json()).toMatchObject({
      status: 'pending',
      channel: 'voice',
      attemptsRemaining: 4,
      delivery: null,
    });

    // Plivo repeating the report (or a second final status) calls nobody again.
    expect(await deliver(app, failed)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(await callsTo(phone)).toHaveLength(1);

    const voiceCode = await spokenCode(app, phone);
    expect(voiceCode).toMatch(/^\d{6}$/);
    if (voiceCode !== smsCode) {
      expect(await (await verify(app, verificationId, smsCode)).json()).toMatchObject({
        error: { code: 'invalid_code', attemptsRemaining: 3 },
      });
    }
    const approved = await verify(app, verificationId, voiceCode);
    expect(approved.status).toBe(200);
    const { receipt } = (await approved.json()) as { receipt: string };
    const claims = JSON.parse(atob((receipt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    expect(claims.amr).toEqual(['voice']);
  });

  it('a store failure on the way to the call answers 503 and loses nothing: Plivo retrying the report brings the call', async () => {
    const app = testApp(VOICE);
    const phone = failingSmsNumber();
    await requestAuto(app, phone);
    const { failed } = await reportsOf(phone);

    // The report is recorded (first store call), the call's admission fails (second).
    await injectStoreFault({ status: 503, skip: 1, count: 1 });
    const first = await deliver(app, failed);
    expect(first).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    expect(await callsTo(phone)).toEqual([]);

    expect(await deliver(app, failed)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(await callsTo(phone)).toHaveLength(1);
    expect(await spokenCode(app, phone)).toMatch(/^\d{6}$/);
  });

  it('calls nobody once the verification is approved, canceled or switched by the user', async () => {
    const app = testApp({ ...VOICE, OTP_FALLBACK_DELAY_SECONDS: '0' });
    const approvedPhone = failingSmsNumber();
    const approved = await requestAuto(app, approvedPhone);
    expect((await verify(app, approved, await latestCode(approvedPhone))).status).toBe(200);

    const canceledPhone = failingSmsNumber();
    const canceled = await requestAuto(app, canceledPhone);
    const cancel = await app.call(`/otp/verifications/${canceled}`, {
      method: 'DELETE',
      headers: { 'cf-connecting-ip': '203.0.113.7' },
    });
    expect(cancel.status).toBe(200);

    // The user asked for a call first: that call is theirs, and the report adds no second one.
    const switchedPhone = failingSmsNumber();
    const switched = await requestAuto(app, switchedPhone);
    const switchResponse = await app.post(`/otp/verifications/${switched}/channel`, { channel: 'voice' });
    expect(switchResponse.status).toBe(200);

    for (const phone of [approvedPhone, canceledPhone, switchedPhone]) {
      const { failed } = await reportsOf(phone);
      expect(await deliver(app, failed)).toEqual({ status: 200, body: { status: 'recorded' } });
    }
    expect(await callsTo(approvedPhone)).toEqual([]);
    expect(await callsTo(canceledPhone)).toEqual([]);
    expect(await callsTo(switchedPhone)).toHaveLength(1);
  });

  it('a failed report of a replaced verification calls nobody: only the number’s active one may be called', async () => {
    const app = testApp({ ...VOICE, OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = failingSmsNumber();
    await requestAuto(app, phone);
    const { failed: firstFailed } = await reportsOf(phone);
    // A new request for the number replaces the first verification before its report arrives.
    const replaced = await app.post('/otp/request', { phone, channel: 'sms' });
    expect(replaced.status).toBe(200);

    const { result, lines } = await captureLogs(() => deliver(app, firstFailed));
    expect(result).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/auto call: not_found$/) }),
    ]);
    expect(await callsTo(phone)).toEqual([]);
  });

  it('a delivered SMS calls nobody', async () => {
    const app = testApp(VOICE);
    const phone = uniquePhone();
    await requestAuto(app, phone);
    const [sms] = await sandboxMessages(phone);
    const reports = await callbacksFor(sms?.uuid ?? '', 3);
    expect(reports.map((report) => fieldsOf(report).get('Status'))).toEqual(['queued', 'sent', 'delivered']);
    for (const report of reports) {
      expect((await deliver(app, report)).status).toBe(200);
    }
    expect(await callsTo(phone)).toEqual([]);
  });

  it('is SMS only (no `fallback`, no call) without the voice settings, and for a test number', async () => {
    const smsOnly = testApp({ PUBLIC_BASE_URL: relayUrl });
    const phone = failingSmsNumber();
    const response = await smsOnly.post('/otp/request', { phone, channel: 'auto' });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(body).not.toHaveProperty('fallback');
    const { failed } = await reportsOf(phone);
    expect(await deliver(smsOnly, failed)).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(await callsTo(phone)).toEqual([]);

    const testNumber = '+15005550006';
    const withTestNumber = testApp({ ...VOICE, TEST_NUMBERS: `${testNumber}:123456` });
    const forTest = await withTestNumber.post('/otp/request', { phone: testNumber, channel: 'auto' });
    expect(forTest.status).toBe(200);
    expect(await forTest.json()).not.toHaveProperty('fallback');
  });

  it('a transaction cannot ride on `auto` (400 naming channel): a call cannot name the payment', async () => {
    const app = testApp(VOICE);
    const response = await app.post('/otp/request', {
      phone: uniquePhone(),
      channel: 'auto',
      transaction: { amount: '10.00', currency: 'EUR', payee: 'ACME Ltd' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_request', issues: [{ field: 'channel' }] },
    });
  });

  it('the automatic call is a send: over the per-number limit it is refused, logged, and nobody is called', async () => {
    const app = testApp({ ...VOICE, RATE_LIMIT_SEND_PER_PHONE: '1/1h' });
    const phone = failingSmsNumber();
    await requestAuto(app, phone);
    const { failed } = await reportsOf(phone);
    const { result, lines } = await captureLogs(() => deliver(app, failed));
    expect(result).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/auto call: rate_limited$/) }),
    ]);
    expect(await callsTo(phone)).toEqual([]);
  });

  it('re-checks the allowlist: a country removed since the request gets no automatic call', async () => {
    const before = testApp({ ...VOICE, ALLOWED_COUNTRIES: 'US,CA' });
    const phone = failingSmsNumber();
    await requestAuto(before, phone);
    const { failed } = await reportsOf(phone);
    // The operator removes the country mid-attack; the deployment keeps its store.
    const after = testApp({ ...VOICE, ALLOWED_COUNTRIES: 'CA', KEY_PREFIX: before.env.KEY_PREFIX as string });
    const { result, lines } = await captureLogs(() => deliver(after, failed));
    expect(result).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/auto call: country_not_allowed$/) }),
    ]);
    expect(await callsTo(phone)).toEqual([]);
  });
});
