import { describe, expect, it } from 'vitest';
import { callbacksFor, relayUrl, replay } from './support/callbacks.ts';
import {
  CONSUMER_KEY_PREFIX,
  type Delivery,
  inboxDown,
  inboxUp,
  payloadOf,
  verifyStandardWebhook,
  waitForDeliveries,
  webhookSecrets,
  webhookUrl,
} from './support/events.ts';
import { freshIp } from './support/guard-app.ts';
import { freshUsRange } from './support/numbers.ts';
import {
  countRoundTrips,
  latestCode,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';

/**
 * Event webhooks end to end: the use cases hand events to the real EVENTS queue (Miniflare's, in
 * workerd), the Worker's own queue consumer signs and POSTs them to the local webhook inbox,
 * retries with backoff while it is down, and dead-letters what runs out of retries. Every
 * delivery is checked with a Standard Webhooks verifier written in the test from the
 * specification (support/events.ts), never with the Worker's signing code.
 */

const ADMIN_KEY = 'events-test-admin-key-0123456789';
const bearer = { authorization: `Bearer ${ADMIN_KEY}` };

/** An app whose events go to the inbox; on the consumer's key prefix, since expiry watches read its store. */
function eventsApp(overrides: Record<string, string> = {}): TestApp {
  return testApp({
    EVENT_WEBHOOK_URL: webhookUrl,
    KEY_PREFIX: CONSUMER_KEY_PREFIX,
    ADMIN_API_KEYS: ADMIN_KEY,
    RATE_LIMIT_SEND_PER_IP: '1000/1h',
    RATE_LIMIT_VERIFY_PER_IP: '1000/10m',
    FRAUD_GUARD: 'off',
    ...overrides,
  });
}

const about = (verificationId: string) => (delivery: Delivery) =>
  payloadOf(delivery).data.verificationId === verificationId;

async function verifiesWithEverySecret(delivery: Delivery): Promise<void> {
  // Both secrets sign (a rotation in progress): a backend holding either one verifies.
  for (const secret of webhookSecrets) expect(await verifyStandardWebhook(delivery, secret)).toBe(true);
  expect(delivery.signatureHeader.split(' ')).toHaveLength(webhookSecrets.length);
  // And the check can fail: another body under the same headers does not verify.
  expect(
    await verifyStandardWebhook({ ...delivery, body: `${delivery.body} ` }, webhookSecrets[0] ?? ''),
  ).toBe(false);
}

describe('producing an event costs the caller nothing', () => {
  it('request and verify make the same store round trips with events on as with events off (1 each)', async () => {
    const measure = async (app: TestApp) => {
      const phone = uniquePhone();
      const request = await countRoundTrips(() => startVerification(app, phone));
      const code = await latestCode(phone);
      const verify = await countRoundTrips(() =>
        app.post('/otp/verify', { verificationId: request.result, code }),
      );
      expect(verify.result.status).toBe(200);
      return { request: request.roundTrips, verify: verify.roundTrips, verificationId: request.result };
    };
    // A fresh Redis answers the first EVALSHA of each script with NOSCRIPT (a second request):
    // warmed up first, so both measurements see the steady state.
    await measure(testApp());
    const off = await measure(testApp());
    const on = await measure(eventsApp());
    expect(on).toMatchObject({ request: off.request, verify: off.verify });
    expect(on).toMatchObject({ request: 1, verify: 1 });
    // And the events were produced all the same.
    await waitForDeliveries(about(on.verificationId), 2);
  });

  it('without the EVENTS queue binding a webhook setting changes nothing and breaks nothing', async () => {
    const app = eventsApp({ EVENTS: undefined as unknown as string });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const response = await app.post('/otp/verify', { verificationId, code: await latestCode(phone) });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(waitForDeliveries(about(verificationId), 1, 100)).rejects.toThrow();
  });
});

describe('every event type arrives signed, verifies, and carries no code', () => {
  it('sent, approved, canceled, max_attempts, expired, channel_switched, delivery.updated, guard.refused, guard.challenged', async () => {
    const codes: string[] = [];
    const app = eventsApp({
      PUBLIC_BASE_URL: relayUrl,
      PLIVO_WHATSAPP_SRC: '+14155550100',
      PLIVO_WHATSAPP_TEMPLATE: 'otp_login',
      OTP_FALLBACK_DELAY_SECONDS: '0',
      OTP_MAX_ATTEMPTS: '2',
    });

    // sent, delivery.updated (the sandbox's signed reports replayed in), approved.
    const approvedPhone = uniquePhone();
    const approvedId = await startVerification(app, approvedPhone);
    const code = await latestCode(approvedPhone);
    codes.push(code);
    const [sms] = await sandboxMessages(approvedPhone);
    for (const callback of await callbacksFor(sms?.uuid ?? '', 3))
      expect((await replay(app, callback)).status).toBe(200);
    expect((await app.post('/otp/verify', { verificationId: approvedId, code })).status).toBe(200);

    // canceled, twice: one event id.
    const canceledId = await startVerification(app, uniquePhone());
    for (let twice = 0; twice < 2; twice += 1)
      expect((await app.call(`/otp/verifications/${canceledId}`, { method: 'DELETE' })).status).toBe(200);

    // max_attempts: two wrong guesses burn the code.
    const burnedPhone = uniquePhone();
    const burnedId = await startVerification(app, burnedPhone);
    const burnedCode = await latestCode(burnedPhone);
    codes.push(burnedCode);
    const wrong = burnedCode === '000000' ? '111111' : '000000';
    for (let guess = 0; guess < 2; guess += 1)
      await app.post('/otp/verify', { verificationId: burnedId, code: wrong });

    // channel_switched: SMS, then WhatsApp.
    const switchedPhone = uniquePhone();
    const switchedId = await startVerification(app, switchedPhone);
    codes.push(await latestCode(switchedPhone));
    expect((await app.post(`/otp/verifications/${switchedId}/channel`, { channel: 'whatsapp' })).status).toBe(
      200,
    );
    codes.push(await latestCode(switchedPhone));

    // expired: a one-second code nobody enters; the consumer's watch finds it pending past expiry.
    const expiringPhone = uniquePhone();
    const expiredId = await startVerification(eventsApp({ OTP_TTL_SECONDS: '1' }), expiringPhone);
    codes.push(await latestCode(expiringPhone));

    // guard.refused and guard.challenged: the guard at its smallest, one range of numbers.
    const guard = {
      FRAUD_GUARD: 'enforce',
      FRAUD_GUARD_RANGE_BASE: '1',
      FRAUD_GUARD_BLOCK_BASE: '1',
      FRAUD_GUARD_COUNTRY_BASE: '1',
      FRAUD_GUARD_OVERDRAFT: '0',
    };
    const refusing = eventsApp({ ...guard, KEY_PREFIX: `g${Date.now().toString(36)}:` });
    const challenging = eventsApp({
      ...guard,
      KEY_PREFIX: `c${Date.now().toString(36)}:`,
      TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
      TURNSTILE_SITE_KEY: '0x4AAAAAAAtest-site-key',
      TURNSTILE_MODE: 'pressure',
    });
    for (const [guarded, expected] of [
      [refusing, 429],
      [challenging, 403],
    ] as const) {
      const range = freshUsRange();
      const statuses = [];
      for (let index = 1; index <= 3; index += 1) {
        const response = await guarded.post(
          '/otp/request',
          { phone: range.number(index) },
          { 'cf-connecting-ip': freshIp() },
        );
        statuses.push(response.status);
      }
      expect(statuses).toContain(expected);
    }

    const expectations: [string, (delivery: Delivery) => boolean][] = [
      ['verification.sent', about(approvedId)],
      ['delivery.updated', about(approvedId)],
      ['verification.approved', about(approvedId)],
      ['verification.canceled', about(canceledId)],
      ['verification.max_attempts', about(burnedId)],
      ['verification.channel_switched', about(switchedId)],
      ['verification.expired', about(expiredId)],
      ['guard.refused', () => true],
      ['guard.challenged', () => true],
    ];
    const seen: Delivery[] = [];
    for (const [type, select] of expectations) {
      const [delivery] = await waitForDeliveries((d) => d.type === type && select(d), 1).catch(
        (error: Error) => {
          throw new Error(`${type}: ${error.message}`);
        },
      );
      if (!delivery) throw new Error(type);
      seen.push(delivery);
      await verifiesWithEverySecret(delivery);
      expect(delivery.signature).toBe('valid');
    }

    const byType = Object.fromEntries(seen.map((delivery) => [delivery.type, payloadOf(delivery)]));
    expect(byType['verification.sent']?.data).toMatchObject({
      verificationId: approvedId,
      app: 'default',
      channel: 'sms',
      country: 'US',
      to: `+14${'*'.repeat(approvedPhone.length - 5)}${approvedPhone.slice(-2)}`,
    });
    expect(byType['delivery.updated']?.data).toMatchObject({ status: 'delivered', channel: 'sms' });
    expect(byType['verification.channel_switched']?.data).toMatchObject({
      channel: 'whatsapp',
      previousChannel: 'sms',
      by: 'user',
    });
    expect(byType['guard.refused']?.data.scope).toEqual(expect.any(String));

    // The second cancel produced the same event id: after de-duplication, one cancellation.
    const cancels = (
      await waitForDeliveries((d) => d.type === 'verification.canceled' && about(canceledId)(d), 1)
    ).map((delivery) => delivery.id);
    expect(new Set(cancels).size).toBe(1);

    // No payload carries a code, nor a number in clear.
    const everything = (await waitForDeliveries(() => true, 1)).map((delivery) => delivery.body);
    for (const body of everything) {
      for (const secret of codes) expect(body).not.toContain(secret);
      expect(body).not.toMatch(/"code"/);
      expect(body).not.toMatch(/\+1415\d{7}/);
    }
  });
});

describe('a receiver that is down', () => {
  it('gets every event once it is back: retried with backoff, each id once after de-duplication', async () => {
    const app = eventsApp();
    await inboxDown(4);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const phone = uniquePhone();
      const verificationId = await startVerification(app, phone);
      await app.post('/otp/verify', { verificationId, code: await latestCode(phone) });
      ids.push(verificationId);
    }
    const mine = (delivery: Delivery) => ids.includes(String(payloadOf(delivery).data.verificationId));
    const arrived = await waitForDeliveries(mine, 10, 30_000);
    const distinct = new Map(arrived.map((delivery) => [delivery.id, delivery]));
    expect(distinct.size).toBe(10);
    for (const id of ids) {
      const types = [...distinct.values()]
        .filter(about(id))
        .map((delivery) => delivery.type)
        .sort();
      expect(types).toEqual(['verification.approved', 'verification.sent']);
    }
    for (const delivery of distinct.values()) await verifiesWithEverySecret(delivery);
  });

  it('for longer than every retry: the event is dead-lettered, listed for the operator, and replayed with its id', async () => {
    const app = eventsApp();
    await inboxDown(60);
    try {
      const verificationId = await startVerification(app, uniquePhone());
      // 4 attempts, 1 + 2 + 4 s apart, then the dead-letter queue's consumer stores it.
      const deadline = Date.now() + 40_000;
      let dead: { id: string; type: string; data: { verificationId?: string } }[] = [];
      while (Date.now() < deadline) {
        const listed = (await (await app.call('/admin/events/dead', { headers: bearer })).json()) as {
          events: typeof dead;
        };
        dead = listed.events.filter((event) => event.data.verificationId === verificationId);
        if (dead.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(dead.map((event) => event.type)).toEqual(['verification.sent']);
      const deadId = dead[0]?.id ?? '';
      expect((await app.call('/admin/events/dead')).status).toBe(401);

      await inboxUp();
      const replayed = await app.call(`/admin/events/dead/${deadId}/replay`, {
        method: 'POST',
        headers: bearer,
      });
      expect(await replayed.json()).toEqual({ replayed: 1, eventIds: [deadId] });
      const [delivery] = await waitForDeliveries((d) => d.id === deadId, 1);
      await verifiesWithEverySecret(delivery as Delivery);
      const again = await app.call(`/admin/events/dead/${deadId}/replay`, {
        method: 'POST',
        headers: bearer,
      });
      expect(again.status).toBe(404);

      const stats = (await (await app.call('/admin/stats?hours=1', { headers: bearer })).json()) as {
        webhooks: { delivered: number; failed: number; dead: number };
      };
      expect(stats.webhooks.dead).toBeGreaterThanOrEqual(1);
      expect(stats.webhooks.failed).toBeGreaterThanOrEqual(4);
      expect(stats.webhooks.delivered).toBeGreaterThanOrEqual(1);
    } finally {
      await inboxUp();
    }
  });
});
