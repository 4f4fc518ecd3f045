import { describe, expect, it } from 'vitest';
import { callbacksFor, relayUrl, replay } from './support/callbacks.ts';
import {
  dumpRedis,
  latestCode,
  race,
  redis,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';

function wrongCodeFor(code: string): string {
  return code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
}

function from(ip: string) {
  return { 'cf-connecting-ip': ip };
}

/**
 * Keys and values under the app's prefix, without TTLs (they tick down between two dumps); hash
 * fields sorted, since Redis does not promise their order.
 */
async function storeState(app: TestApp) {
  return (await dumpRedis(app.env.KEY_PREFIX as string)).map(({ key, type, value }) => {
    if (type !== 'hash' || !Array.isArray(value)) return { key, value };
    const pairs: [string, unknown][] = [];
    for (let index = 0; index < value.length; index += 2)
      pairs.push([String(value[index]), value[index + 1]]);
    return { key, value: pairs.sort(([a], [b]) => a.localeCompare(b)) };
  });
}

/** A genuine id with its last character changed: the shape of an id, but never issued. */
function tampered(id: string): string {
  return `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
}

const ATTACKER = '198.51.100.66';
const OWNER = '203.0.113.10';

describe('no lockout by strangers', () => {
  it('4 rounds of request + 5 wrong guesses from one network leave the owner able to request and verify', async () => {
    // The attacker would wait out the 60 s cooldown between rounds; without one the rounds are the
    // same. Default guard settings: the attacker's two SMS count once in the number's range (its
    // base is 2), so the owner's request is a resend there, neither refused nor charged.
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = uniquePhone();

    const answers: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const request = await app.post('/otp/request', { phone }, from(ATTACKER));
      answers.push(request.status);
      const { verificationId } = (await request.json()) as { verificationId?: string };
      for (let guess = 0; guess < 5; guess += 1) {
        if (!verificationId) break;
        const code = wrongCodeFor(await latestCode(phone));
        answers.push((await app.post('/otp/verify', { verificationId, code }, from(ATTACKER))).status);
      }
    }
    // Two sessions of 5 wrong guesses fill the attacker's own cap (10); then its requests for
    // this number are refused without an SMS, and nothing it does counts against the number.
    expect(answers).toEqual([200, 400, 400, 400, 400, 400, 200, 400, 400, 400, 400, 400, 429, 429]);
    expect(await sandboxMessages(phone)).toHaveLength(2);

    const verificationId = await startVerification(app, phone, from(OWNER));
    const code = await latestCode(phone);
    const verified = await app.post('/otp/verify', { verificationId, code }, from(OWNER));
    expect(verified.status).toBe(200);
  });

  it('a network over its own cap on a number is refused before its guess is evaluated, while the owner verifies', async () => {
    const app = testApp({
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      OTP_MAX_ATTEMPTS: '10',
      OTP_MAX_FAILURES_PER_CLIENT: '3',
    });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, from(OWNER));
    const code = await latestCode(phone);
    for (let guess = 0; guess < 3; guess += 1) {
      expect(
        (await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) }, from(ATTACKER))).status,
      ).toBe(400);
    }
    // Even the right code is not evaluated for this network: it cannot be turned into a hit.
    const refused = await app.post('/otp/verify', { verificationId, code }, from(ATTACKER));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(86_000);

    const owner = await app.post('/otp/verify', { verificationId, code }, from(OWNER));
    expect(owner.status).toBe(200);
  });

  it('the number-wide cap still bounds guessing from many networks (OTP_MAX_FAILURES_PER_DAY)', async () => {
    const app = testApp({
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      OTP_MAX_ATTEMPTS: '10',
      OTP_MAX_FAILURES_PER_DAY: '4',
      OTP_MAX_FAILURES_PER_CLIENT: '2',
    });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, from(OWNER));
    const code = await latestCode(phone);
    for (const ip of ['198.51.100.1', '198.51.100.1', '198.51.100.2', '198.51.100.2']) {
      expect(
        (await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) }, from(ip))).status,
      ).toBe(400);
    }
    const locked = await app.post('/otp/verify', { verificationId, code }, from(OWNER));
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
  });
});

describe('verify is no oracle and no burner', () => {
  it('unknown, tampered, replaced, canceled, approved and expired ids are one 404 that changes nothing in the store', async () => {
    let now = Date.now();
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' }, { clock: { nowMs: () => now } });

    const [replacedPhone, canceledPhone, approvedPhone, expiredPhone] = [
      uniquePhone(),
      uniquePhone(),
      uniquePhone(),
      uniquePhone(),
    ];
    const replaced = await startVerification(app, replacedPhone);
    const replacedCode = await latestCode(replacedPhone);
    await startVerification(app, replacedPhone);
    const canceled = await startVerification(app, canceledPhone);
    const canceledCode = await latestCode(canceledPhone);
    expect((await app.call(`/otp/verifications/${canceled}`, { method: 'DELETE' })).status).toBe(200);
    const approved = await startVerification(app, approvedPhone);
    const approvedCode = await latestCode(approvedPhone);
    expect((await app.post('/otp/verify', { verificationId: approved, code: approvedCode })).status).toBe(
      200,
    );
    const expired = await startVerification(app, expiredPhone);
    const expiredCode = await latestCode(expiredPhone);
    now += 300_000;

    const before = await storeState(app);
    const probes = [
      { verificationId: 'A'.repeat(90), code: '123456' },
      { verificationId: tampered(approved), code: approvedCode },
      { verificationId: replaced, code: replacedCode },
      { verificationId: replaced, code: wrongCodeFor(replacedCode) },
      { verificationId: canceled, code: canceledCode },
      { verificationId: approved, code: approvedCode },
      { verificationId: expired, code: expiredCode },
      { verificationId: expired, code: wrongCodeFor(expiredCode) },
    ];
    for (const probe of probes) {
      const response = await app.post('/otp/verify', probe, from(ATTACKER));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          code: 'verification_not_found',
          message:
            'No such verification: it is unknown, expired, canceled or replaced by a newer one. Request a new code.',
        },
      });
    }
    // Not one counter moved: no verify-ip count, no attempt, no failure, no stats.
    expect(await storeState(app)).toEqual(before);
  });

  it('a body without verificationId is 400 invalid_request and touches nothing', async () => {
    const app = testApp();
    const phone = uniquePhone();
    await startVerification(app, phone);
    const before = await storeState(app);
    for (const body of [
      { phone, code: '123456' },
      { code: '123456' },
      { verificationId: 'short', code: '123456' },
    ]) {
      const response = await app.post('/otp/verify', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect(await storeState(app)).toEqual(before);
  });
});

describe('one approval', () => {
  it('50 parallel verifies of one id with the right code: exactly one 200', async () => {
    const app = testApp({ RATE_LIMIT_VERIFY_PER_IP: '100/10m' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const statuses = (await race(50, () => app.post('/otp/verify', { verificationId, code }))).map(
      (response) => response.status,
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(49);
  });
});

describe('GET /otp/verifications/{id}', () => {
  it('follows the lifecycle: pending with attempts, the delivery status from a signed callback, approved; the number masked', async () => {
    const now = Date.now();
    const app = testApp({ PUBLIC_BASE_URL: relayUrl }, { clock: { nowMs: () => now } });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);
    const masked = `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;

    const pending = await app.call(`/otp/verifications/${verificationId}`);
    expect(pending.status).toBe(200);
    const pendingBody = await pending.json();
    expect(pendingBody).toEqual({
      verificationId,
      status: 'pending',
      attemptsRemaining: 5,
      expiresAt: new Date(now + 300_000).toISOString(),
      phone: masked,
      testNumber: false,
      channel: 'sms',
      delivery: null,
    });
    expect(JSON.stringify(pendingBody)).not.toContain(phone.slice(3, -2));

    // Plivo's reports, as the sandbox really signed and sent them, reach the webhook.
    const [message] = await sandboxMessages(phone);
    for (const callback of await callbacksFor(message?.uuid ?? '', 3)) {
      expect((await replay(app, callback)).status).toBe(200);
    }
    await app.post('/otp/verify', { verificationId, code: wrongCodeFor(code) });
    expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
      status: 'pending',
      attemptsRemaining: 4,
      delivery: { status: 'delivered' },
    });

    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
    expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
      status: 'approved',
      attemptsRemaining: 0,
    });
  });

  it('says expired after the code lifetime, and 404 once the record is past its retention', async () => {
    let now = Date.now();
    const app = testApp({ OTP_TTL_SECONDS: '60' }, { clock: { nowMs: () => now } });
    const verificationId = await startVerification(app, uniquePhone());
    now += 60_000;
    expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
      status: 'expired',
    });
    // The record's TTL is real Redis time: drop it as its expiry would.
    const [record] = (await dumpRedis(app.env.KEY_PREFIX as string)).filter((entry) =>
      entry.key.includes(':verification:'),
    );
    expect(record?.pttl).toBeLessThanOrEqual(660_000);
    await redis(['DEL', record?.key ?? '']);
    expect((await app.call(`/otp/verifications/${verificationId}`)).status).toBe(404);
  });

  it('a replaced, tampered or made-up id is 404', async () => {
    const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const phone = uniquePhone();
    const first = await startVerification(app, phone);
    const second = await startVerification(app, phone);
    for (const id of [first, tampered(second), 'nope', 'A'.repeat(300)]) {
      const response = await app.call(`/otp/verifications/${id}`);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'verification_not_found' } });
    }
    expect((await app.call(`/otp/verifications/${second}`)).status).toBe(200);
  });

  it('counts against the per-network verify limit', async () => {
    const app = testApp({ RATE_LIMIT_VERIFY_PER_IP: '3/10m' });
    const verificationId = await startVerification(app, uniquePhone());
    const statuses = [];
    for (let read = 0; read < 4; read += 1) {
      statuses.push(
        (await app.call(`/otp/verifications/${verificationId}`, { headers: from(ATTACKER) })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('DELETE /otp/verifications/{id}', () => {
  it('cancels: the code stops working at once, GET says canceled, a second DELETE answers the same', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const code = await latestCode(phone);

    const canceled = await app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' });
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toEqual({ verificationId, status: 'canceled' });
    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(404);
    expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
      status: 'canceled',
      attemptsRemaining: 0,
    });
    expect((await app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('an approved verification is 409 already_approved and stays approved; unknown ids are 404', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    expect((await app.post('/otp/verify', { verificationId, code: await latestCode(phone) })).status).toBe(
      200,
    );
    const refused = await app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'already_approved' } });
    expect(await (await app.call(`/otp/verifications/${verificationId}`)).json()).toMatchObject({
      status: 'approved',
    });
    const unknown = await app.call(`/otp/verifications/${tampered(verificationId)}`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });

  it('keeps the cooldown: cancel and request again is no way around it', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    await app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' });
    const again = await app.post('/otp/request', { phone });
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ error: { code: 'resend_too_soon' } });
  });
});
