import { exports } from 'cloudflare:workers';
import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshBlocks } from './support/numbers.ts';
import {
  plivoUrl,
  race,
  redis,
  sandboxAttempts,
  sandboxMessages,
  startVerification,
  testApp,
  uniquePhone,
  verificationIdOf,
} from './support/stack.ts';

/**
 * Races beyond otp-races.test.ts: many parallel requests of different kinds behind a start
 * barrier, against the real store. Each test checks what ended up in Redis and in the SMS sandbox,
 * not only the status codes.
 */

/** `count` different numbers (uniquePhone is random, so a repeat is unlikely but possible). */
function distinctPhones(count: number): string[] {
  const numbers = new Set<string>();
  while (numbers.size < count) numbers.add(uniquePhone());
  return [...numbers];
}

function codesIn(messages: { text: string | null }[]): string[] {
  // In any language: the first run of 6-10 digits (the lifetime has at most 2), like latestCode.
  return messages.flatMap((message) => message.text?.match(/(?<!\d)(\d{6,10})(?!\d)/)?.[1] ?? []);
}

/**
 * The sandbox's record of send attempts to these numbers. Worker test files run one after another,
 * and each test here first forgets what earlier files sent (clearAttempts): a random number of this
 * test that an earlier file happened to draw too would otherwise count one attempt more.
 */
async function clearAttempts(): Promise<void> {
  const response = await fetch(`${plivoUrl}/__sandbox/requests`, { method: 'DELETE' });
  expect(response.status).toBe(204);
}

beforeEach(clearAttempts);

async function attemptsTo(numbers: string[]) {
  const wanted = new Set(numbers.map((number) => number.replace(/^\+/, '')));
  return (await sandboxAttempts()).filter((attempt) => wanted.has(attempt.dst.replace(/^\+/, '')));
}

describe('verify racing resends', () => {
  it('20 verifies of the old code racing 5 resends: at most one success for the old code, and afterwards only the stored (newest) code can be valid', async () => {
    const maxAttempts = 10;
    const app = testApp({
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      OTP_MAX_ATTEMPTS: String(maxAttempts),
      OTP_MAX_FAILURES_PER_DAY: '100',
      RATE_LIMIT_SEND_PER_PHONE: '100/1h',
    });
    const prefix = app.env.KEY_PREFIX as string;
    const phone = uniquePhone();
    const oldId = await startVerification(app, phone);
    const [oldCode] = codesIn(await sandboxMessages(phone));
    if (oldCode === undefined) throw new Error('no SMS');

    const responses = await race(25, (index) =>
      index % 5 === 4
        ? app.post('/otp/request', { phone })
        : app.post('/otp/verify', { verificationId: oldId, code: oldCode }),
    );
    const verifies = responses.filter((_, index) => index % 5 !== 4).map((response) => response.status);
    const resends = responses.filter((_, index) => index % 5 === 4);
    expect(resends.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const oldSuccesses = verifies.filter((status) => status === 200).length;
    expect(oldSuccesses).toBeLessThanOrEqual(1);
    // Every verify was decided: approved, or 404 once it was approved or replaced; never a 5xx.
    expect(verifies.every((status) => [200, 404].includes(status))).toBe(true);

    // Newest first: five new codes, then the old one.
    const sent = codesIn(await sandboxMessages(phone));
    expect(sent).toHaveLength(6);
    expect(sent[5]).toBe(oldCode);
    const newIds = await Promise.all(
      resends.map(async (response) => (await verificationIdOf(response)) ?? ''),
    );

    // One active verification: the number points at exactly one of the new ones.
    expect(await redis(['KEYS', `${prefix}active:*`])).toHaveLength(1);
    // Every other id (the old one included) is dead: 404 for every code sent, none counted. The
    // active one approves with its own code.
    const approvals: string[] = [];
    for (const id of [oldId, ...newIds]) {
      for (const code of new Set(sent)) {
        const status = (await app.post('/otp/verify', { verificationId: id, code })).status;
        expect([200, 400, 404]).toContain(status);
        if (status === 200) approvals.push(id);
      }
    }
    expect(approvals).toHaveLength(1);
    expect(newIds).toContain(approvals[0]);
  });
});

describe('requests racing across many numbers', () => {
  it('50 numbers × 3 parallel requests each: exactly one SMS per number, the others told to wait', async () => {
    const app = testApp({
      RATE_LIMIT_SEND_PER_IP: '1000/1h',
      RATE_LIMIT_SEND_PER_PREFIX: '1000/1h',
      RATE_LIMIT_SEND_PER_COUNTRY: '1000/1h',
      // 50 unverified codes in one country: over the guard's budgets, which are not under test.
      FRAUD_GUARD: 'off',
    });
    const numbers = distinctPhones(50);
    const responses = await race(150, (index) =>
      app.post(
        '/otp/request',
        { phone: numbers[index % 50] },
        { 'cf-connecting-ip': `198.51.100.${index % 50}` },
      ),
    );
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as {
      status?: string;
      error?: { code: string };
    }[];

    for (const [slot, phone] of numbers.entries()) {
      const mine = [slot, slot + 50, slot + 100].map((index) => ({
        status: responses[index]?.status,
        outcome: bodies[index]?.status ?? bodies[index]?.error?.code,
      }));
      expect(
        mine.filter((one) => one.status === 200),
        phone,
      ).toHaveLength(1);
      // The losers lost to the cooldown taken inside the issue script, not to a limiter.
      expect(
        mine.filter((one) => one.outcome === 'resend_too_soon'),
        phone,
      ).toHaveLength(2);
    }
    const attempts = await attemptsTo(numbers);
    expect(attempts).toHaveLength(50);
    const perNumber = new Map<string, number>();
    for (const attempt of attempts) perNumber.set(attempt.dst, (perNumber.get(attempt.dst) ?? 0) + 1);
    expect([...perNumber.values()].every((count) => count === 1)).toBe(true);
  });
});

/**
 * The Worker builds one Redis client per request (src/adapters/upstash/redis-client.ts). This checks the
 * consequence a client shared across requests could break: every answer and side effect lands on
 * the request that asked. Its limit, measured: swapping in one module-level client did NOT make it
 * fail here, because workerd resumes each request in its own turn and the client's auto-pipeline
 * flushes after two microtasks, so batches almost never span requests.
 */
describe('one Worker instance, many requests at once', () => {
  /** Through the Worker's own fetch handler: its bindings from the test env, key prefix `otp:`. */
  function post(path: string, body: unknown, ip: string) {
    return exports.default.fetch(`http://otp.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      body: JSON.stringify(body),
    });
  }

  it('100 concurrent mixed requests through the default export: each gets the answer for its own number, none a 5xx', async () => {
    const base = Math.floor(Math.random() * 200) + 20;
    let ipCount = 0;
    const nextIp = () => {
      ipCount += 1;
      return `198.18.${base + Math.floor(ipCount / 250)}.${(ipCount % 250) + 1}`;
    };
    // The default export runs with the default fraud guard: the 75 codes sent before anyone
    // verifies are spread like real sign-ups, 25 per country, each number in its own block.
    const spread = (country: string) =>
      freshBlocks(country, 25).map((block) => `${block}${String(base).padStart(3, '0')}123`);
    const [toApprove, toGuess, fresh, never] = [spread('GB'), spread('FR'), spread('US'), distinctPhones(15)];

    // Setup, also through the default export (same key prefix): a code for each of the first two
    // groups, and 0-3 wrong guesses already made against each of the second.
    const codes = new Map<string, string>();
    const ids = new Map<string, string>();
    for (const phone of [...toApprove, ...toGuess]) {
      const requested = await post('/otp/request', { phone }, nextIp());
      expect(requested.status).toBe(200);
      ids.set(phone, (await verificationIdOf(requested)) ?? '');
      const [code] = codesIn(await sandboxMessages(phone));
      if (code === undefined) throw new Error(`no SMS for ${phone}`);
      codes.set(phone, code);
    }
    const wrongFor = (phone: string) => String((Number(codes.get(phone)) + 1) % 1_000_000).padStart(6, '0');
    for (const [index, phone] of toGuess.entries()) {
      for (let guess = 0; guess < index % 4; guess += 1) {
        expect(
          (await post('/otp/verify', { verificationId: ids.get(phone), code: wrongFor(phone) }, nextIp()))
            .status,
        ).toBe(400);
      }
    }

    type Check = { describe: string; send(): Promise<Response>; expect(response: Response): Promise<void> };
    const checks: Check[] = [
      ...toApprove.map(
        (phone): Check => ({
          describe: `right code for ${phone}`,
          send: () =>
            post('/otp/verify', { verificationId: ids.get(phone), code: codes.get(phone) }, nextIp()),
          async expect(response) {
            expect(response.status, this.describe).toBe(200);
            const { receipt } = (await response.json()) as { receipt: string };
            // The receipt is for this request's number, not a neighbour's.
            expect(decodeJwt(receipt), this.describe).toMatchObject({ sub: phone, phone_number: phone });
          },
        }),
      ),
      ...toGuess.map(
        (phone, index): Check => ({
          describe: `wrong code for ${phone} after ${index % 4} wrong`,
          send: () =>
            post('/otp/verify', { verificationId: ids.get(phone), code: wrongFor(phone) }, nextIp()),
          async expect(response) {
            expect(response.status, this.describe).toBe(400);
            expect(await response.json(), this.describe).toMatchObject({
              error: { code: 'invalid_code', attemptsRemaining: 4 - (index % 4) },
            });
          },
        }),
      ),
      ...fresh.map(
        (phone): Check => ({
          describe: `first request for ${phone}`,
          send: () => post('/otp/request', { phone }, nextIp()),
          async expect(response) {
            expect(response.status, this.describe).toBe(200);
            expect(await response.json(), this.describe).toMatchObject({ status: 'pending' });
          },
        }),
      ),
      ...never.map(
        (phone): Check => ({
          describe: `verify of a made-up id, for ${phone}`,
          send: () =>
            post(
              '/otp/verify',
              { verificationId: `${phone.slice(1)}${'x'.repeat(77)}`, code: '123456' },
              nextIp(),
            ),
          async expect(response) {
            expect(response.status, this.describe).toBe(404);
          },
        }),
      ),
      ...toGuess.slice(0, 10).map(
        (phone): Check => ({
          describe: `resend for ${phone} inside the cooldown`,
          send: () => post('/otp/request', { phone }, nextIp()),
          async expect(response) {
            expect(response.status, this.describe).toBe(429);
            expect(await response.json(), this.describe).toMatchObject({
              error: { code: 'resend_too_soon' },
            });
          },
        }),
      ),
    ];
    expect(checks).toHaveLength(100);

    const responses = await race(checks.length, (index) => (checks[index] as Check).send());
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
    for (const [index, check] of checks.entries()) await check.expect(responses[index] as Response);

    // The side effects belong to the right numbers too: one SMS per fresh number, none for the others.
    const freshAttempts = await attemptsTo(fresh);
    expect(freshAttempts).toHaveLength(25);
    expect(await attemptsTo(never)).toEqual([]);
    for (const phone of toGuess.slice(0, 10)) expect(await sandboxMessages(phone)).toHaveLength(1);
  });
});
