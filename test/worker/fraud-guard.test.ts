import { afterEach, describe, expect, it } from 'vitest';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { relayUrl } from './support/callbacks.ts';
import { frenchMobile, freshBritishBlocks, freshUsRange, numberInBlock } from './support/numbers.ts';
import {
  clearSmsFaults,
  injectSmsFault,
  latestCode,
  race,
  redis,
  sandboxAttempts,
  type TestApp,
  testApp,
} from './support/stack.ts';

/**
 * The conversion-aware guard (docs/abuse-defense.md) against the real stack: every request goes
 * through the admission script in Redis and every SMS to the Plivo sandbox. Only the clock is
 * fixed, so the guard's windows are where the test puts them.
 */

const HOUR_MS = 3_600_000;
// A quarter into an hour: the previous window still weighs 0.75, the current one holds every send.
const START = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 48 * HOUR_MS + HOUR_MS / 4;

afterEach(async () => {
  await clearSmsFaults();
});

let ipCounter = 0;
/** Each request from its own address: rotating proxies, so per-IP limits never decide here. */
function freshIp(): string {
  ipCounter += 1;
  return `198.18.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

interface Clocked extends TestApp {
  at(ms: number): void;
}

/** A test app whose clock stands still at START until moved. Cooldowns off: numbers are distinct anyway. */
function guardApp(overrides: Record<string, string> = {}): Clocked {
  let now = START;
  const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', ...overrides }, { clock: { nowMs: () => now } });
  return Object.assign(app, {
    at(ms: number) {
      now = ms;
    },
  });
}

/** The latest verification id each number was sent, for the users who then verify. */
const verificationIds = new Map<string, string>();

/** Requests a code; answers `sent` or the refusal's scope (or error code). */
async function request(app: TestApp, phone: string, channel = 'sms'): Promise<string> {
  const response = await app.post('/otp/request', { phone, channel }, { 'cf-connecting-ip': freshIp() });
  if (response.status === 200) {
    verificationIds.set(phone, ((await response.json()) as { verificationId: string }).verificationId);
    return 'sent';
  }
  const { error } = (await response.json()) as { error: { code: string; scope?: string } };
  if (error.code === 'rate_limited') {
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    return error.scope ?? 'rate_limited';
  }
  return error.code;
}

/** A real user: asks for a code, reads the SMS, types it in. */
async function userVerifies(app: TestApp, phone: string): Promise<void> {
  expect(await request(app, phone)).toBe('sent');
  const verified = await app.post(
    '/otp/verify',
    { verificationId: verificationIds.get(phone), code: await latestCode(phone) },
    { 'cf-connecting-ip': freshIp() },
  );
  expect(verified.status).toBe(200);
}

async function smsTo(numbers: string[]): Promise<number> {
  const wanted = new Set(numbers.map((number) => number.slice(1)));
  return (await sandboxAttempts()).filter((attempt) => wanted.has(attempt.dst.replace(/^\+/, ''))).length;
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

async function statsField(app: TestApp, field: string, atMs = START): Promise<number> {
  const value = await redis(['HGET', `${app.env.KEY_PREFIX as string}stats:${hourBucket(atMs)}`, field]);
  return Number(value ?? 0);
}

describe('a pumped range costs its base and then stops', () => {
  it('30 never-verified requests to one range from 30 addresses: 2 SMS, then 429 scope range', async () => {
    const app = guardApp();
    const { number } = freshUsRange();
    const numbers = Array.from({ length: 30 }, (_, index) => number(index * 7));
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual([...Array(2).fill('sent'), ...Array(28).fill('range')]);
    expect(await smsTo(numbers)).toBe(2);
    // Refusals are counted for operators, per country and scope.
    expect(await statsField(app, 'US:refused:range')).toBe(28);
    expect(await statsField(app, 'US:sent')).toBe(2);
  });

  it('verified traffic raises a range budget: after 2 verified codes it holds 4 unverified sends', async () => {
    const app = guardApp();
    const { number } = freshUsRange();
    await userVerifies(app, number(1));
    await userVerifies(app, number(2));
    const outcomes = [];
    for (let index = 10; index < 16; index += 1) outcomes.push(await request(app, number(index)));
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'range', 'range']);
  });

  it('a range that stops converting shrinks back as the window slides', async () => {
    const app = guardApp();
    const { number } = freshUsRange();
    for (let index = 0; index < 4; index += 1) await userVerifies(app, number(index));
    // The next window, three quarters through: the 4 verified codes still weigh 0.25, budget 2 + 1.
    const nextWindow = START - (START % HOUR_MS) + HOUR_MS;
    app.at(nextWindow + (3 * HOUR_MS) / 4);
    const later = [];
    for (let index = 100; index < 105; index += 1) later.push(await request(app, number(index)));
    expect(later).toEqual(['sent', 'sent', 'sent', 'range', 'range']);
    // Two windows on, the history has slid out: back to the base of 2.
    app.at(nextWindow + 2 * HOUR_MS + HOUR_MS / 2);
    const after = [];
    for (let index = 200; index < 204; index += 1) after.push(await request(app, number(index)));
    expect(after).toEqual(['sent', 'sent', 'range', 'range']);
  });

  it('a Plivo 4xx takes back the send from the guard: three refused SMS leave the range budget whole', async () => {
    const app = guardApp();
    const { number } = freshUsRange();
    await injectSmsFault({ status: 400, count: 3 });
    for (let index = 0; index < 3; index += 1) expect(await request(app, number(index))).toBe('sms_failed');
    expect(await statsField(app, 'US:sent')).toBe(0);
    const outcomes = [];
    for (let index = 10; index < 13; index += 1) outcomes.push(await request(app, number(index)));
    expect(outcomes).toEqual(['sent', 'sent', 'range']);
  });
});

describe('each channel has its own budgets', () => {
  const WHATSAPP = { PLIVO_WHATSAPP_SRC: '+14155550111', PLIVO_WHATSAPP_TEMPLATE: 'otp_login' };

  it('a range whose SMS budget is spent still gets its WhatsApp budget, and the other way round', async () => {
    const app = guardApp(WHATSAPP);
    const first = freshUsRange();
    const sms = [0, 1, 2].map((index) => first.number(index));
    const whatsApp = [10, 11, 12].map((index) => first.number(index));
    const outcomes = [];
    for (const phone of sms) outcomes.push(await request(app, phone, 'sms'));
    for (const phone of whatsApp) outcomes.push(await request(app, phone, 'whatsapp'));
    expect(outcomes).toEqual(['sent', 'sent', 'range', 'sent', 'sent', 'range']);

    const second = freshUsRange();
    const reversed = [];
    for (const index of [0, 1, 2]) reversed.push(await request(app, second.number(index), 'whatsapp'));
    for (const index of [10, 11, 12]) reversed.push(await request(app, second.number(index), 'sms'));
    expect(reversed).toEqual(['sent', 'sent', 'range', 'sent', 'sent', 'range']);
  });

  it('voice pumping into a range is budgeted apart: its calls stop at the base while SMS to the range still go', async () => {
    // The relay as public address: the sandbox's reports and answer requests go somewhere that listens.
    const app = guardApp({ PLIVO_VOICE_SRC: '+14155550122', PUBLIC_BASE_URL: relayUrl });
    const { number } = freshUsRange();
    const calls = [];
    for (const index of [0, 1, 2, 3]) calls.push(await request(app, number(index), 'voice'));
    expect(calls).toEqual(['sent', 'sent', 'range', 'range']);
    const texts = [];
    for (const index of [10, 11, 12]) texts.push(await request(app, number(index), 'sms'));
    expect(texts).toEqual(['sent', 'sent', 'range']);
    const windowIndex = Math.floor(START / HOUR_MS);
    const prefix = app.env.KEY_PREFIX as string;
    expect(await redis(['HGET', `${prefix}guard:voice:US:${windowIndex}`, 'c:s'])).toBe('2');
    expect(await redis(['HGET', `${prefix}guard:sms:US:${windowIndex}`, 'c:s'])).toBe('2');
  });

  it("a verified WhatsApp code credits WhatsApp's cells, not SMS's", async () => {
    const app = guardApp(WHATSAPP);
    const { number } = freshUsRange();
    expect(await request(app, number(1), 'whatsapp')).toBe('sent');
    const verified = await app.post(
      '/otp/verify',
      { verificationId: verificationIds.get(number(1)), code: await latestCode(number(1)) },
      { 'cf-connecting-ip': freshIp() },
    );
    expect(verified.status).toBe(200);
    const prefix = app.env.KEY_PREFIX as string;
    const windowIndex = Math.floor(START / HOUR_MS);
    expect(await redis(['HGET', `${prefix}guard:whatsapp:US:${windowIndex}`, 'c:v'])).toBe('1');
    expect(await redis(['EXISTS', `${prefix}guard:sms:US:${windowIndex}`])).toBe(0);
  });
});

describe('an attack spread over a country', () => {
  it('one send into each of 60 fresh blocks: the country budget (15) and its overdraft (10), then 429 scope country', async () => {
    const app = guardApp();
    const numbers = freshBritishBlocks(60).map((block) => numberInBlock(block, 321, 654));
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual([...Array(25).fill('sent'), ...Array(35).fill('country')]);
    expect(await smsTo(numbers)).toBe(25);
  });

  it('an attacked country still serves users in its clean blocks, and refuses the dirty ones', async () => {
    const app = guardApp();
    const [first, second, third, fourth, clean, cleanToo] = freshBritishBlocks(6) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    // 15 unverified sends fill three blocks to their base of 5: the country is at its budget.
    const attack = [first, second, third].flatMap((block) =>
      [0, 1, 2, 3, 4].map((index) => numberInBlock(block, 100 + Math.floor(index / 2), index)),
    );
    const attackOutcomes = [];
    for (const phone of attack) attackOutcomes.push(await request(app, phone));
    expect(attackOutcomes).toEqual(Array(15).fill('sent'));
    // The country is full: a fourth block, clean, is still served from the overdraft.
    expect(await request(app, numberInBlock(fourth, 100, 0))).toBe('sent');

    // A user in a clean block is served from the overdraft (the country alone would refuse) and verifies.
    await userVerifies(app, numberInBlock(clean, 500, 1));
    await userVerifies(app, numberInBlock(cleanToo, 500, 2));
    // The attacker's blocks are refused (block budget), even in ranges the attacker has not touched.
    expect(await request(app, numberInBlock(first, 900, 1))).toBe('block');
    expect(await request(app, numberInBlock(second, 901, 1))).toBe('block');
  });
});

describe('the global breaker refuses low-conversion countries first', () => {
  it('over RATE_LIMIT_SEND_GLOBAL a never-verifying country is refused while a healthy one is served, up to twice it', async () => {
    const app = guardApp({ RATE_LIMIT_SEND_GLOBAL: '10/1h' });
    for (let user = 0; user < 6; user += 1) await userVerifies(app, frenchMobile());
    const attack = freshBritishBlocks(8).map((block) => numberInBlock(block, 222, 333));
    const attackOutcomes = [];
    for (const phone of attack) attackOutcomes.push(await request(app, phone));
    // 6 French + 4 British reach the threshold; then Britain (0 verified) is refused.
    expect(attackOutcomes).toEqual([...Array(4).fill('sent'), ...Array(4).fill('global')]);

    // France (6 verified, nothing outstanding) keeps sending above the threshold, to the hard cap at 20.
    for (let user = 0; user < 10; user += 1) await userVerifies(app, frenchMobile());
    expect(await request(app, frenchMobile())).toBe('global');
    expect(await statsField(app, 'GB:refused:global')).toBe(4);
    expect(await statsField(app, 'FR:refused:global')).toBe(1);
  });
});

describe('FRAUD_GUARD modes', () => {
  it('shadow sends what enforce would refuse, and counts and logs it as shadow', async () => {
    const app = guardApp({ FRAUD_GUARD: 'shadow' });
    const { number } = freshUsRange();
    const numbers = Array.from({ length: 6 }, (_, index) => number(index));
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual(Array(6).fill('sent'));
    expect(await smsTo(numbers)).toBe(6);
    expect(await statsField(app, 'US:shadow:range')).toBe(4);
    expect(await statsField(app, 'US:refused:range')).toBe(0);
  });

  it('off sends without the guard, and the plain limits still hold', async () => {
    const app = guardApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_PREFIX: '5/1h' });
    const { number } = freshUsRange();
    const numbers = Array.from({ length: 7 }, (_, index) => number(index));
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual([...Array(5).fill('sent'), 'prefix', 'prefix']);
    expect(await statsField(app, 'US:shadow:range')).toBe(0);
  });
});

describe('cold start', () => {
  it('a fresh deployment serves 25 real users arriving at once in one country, then a second wave of 25', async () => {
    const app = guardApp();
    const blocks = freshBritishBlocks(50);
    const wave = async (users: string[]) => {
      const outcomes = await race(users.length, (index) => request(app, users[index] as string));
      expect(tally(outcomes)).toEqual({ sent: users.length });
      for (const phone of users) {
        const verified = await app.post(
          '/otp/verify',
          { verificationId: verificationIds.get(phone), code: await latestCode(phone) },
          { 'cf-connecting-ip': freshIp() },
        );
        expect(verified.status).toBe(200);
      }
    };
    await wave(blocks.slice(0, 25).map((block, index) => numberInBlock(block, 400 + index, 17)));
    await wave(blocks.slice(25).map((block, index) => numberInBlock(block, 600 + index, 18)));
    expect(await statsField(app, 'GB:verified')).toBe(50);
  });
});

describe('refusals spend nothing shared', () => {
  it('30 refused resends, then 14 new users of the same prefix are all served (prefix limit 15)', async () => {
    const app = testApp(
      { RATE_LIMIT_SEND_PER_PREFIX: '15/1h', OTP_RESEND_COOLDOWN_SECONDS: '60' },
      { clock: { nowMs: () => START } },
    );
    const { number } = freshUsRange();
    expect(await request(app, number(0))).toBe('sent');
    for (let resend = 0; resend < 30; resend += 1)
      expect(await request(app, number(0))).toBe('resend_too_soon');
    for (let user = 1; user <= 14; user += 1) await userVerifies(app, number(user));
    // The 16th send in the prefix is the first the limit refuses: the 30 refusals took nothing.
    expect(await request(app, number(99))).toBe('prefix');
  });

  it('a Plivo 4xx takes back the plain limits too: three refused SMS leave a prefix limit of 2 whole', async () => {
    const app = guardApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_PREFIX: '2/1h' });
    const { number } = freshUsRange();
    await injectSmsFault({ status: 400, count: 3 });
    for (let index = 0; index < 3; index += 1) expect(await request(app, number(index))).toBe('sms_failed');
    const outcomes = [];
    for (let index = 10; index < 13; index += 1) outcomes.push(await request(app, number(index)));
    expect(outcomes).toEqual(['sent', 'sent', 'prefix']);
  });

  it('requests refused by the range budget take nothing from the country or global budgets', async () => {
    const app = guardApp({ RATE_LIMIT_SEND_GLOBAL: '3/1h', RATE_LIMIT_SEND_PER_COUNTRY: '3/1h' });
    const { number } = freshUsRange();
    const outcomes = [];
    for (let index = 0; index < 40; index += 1) outcomes.push(await request(app, number(index)));
    expect(tally(outcomes)).toEqual({ sent: 2, range: 38 });
    // Country and global had room for 3: the 38 refusals spent none of it.
    const other = freshUsRange();
    expect(await request(app, other.number(5))).toBe('sent');
    expect(await request(app, other.number(6))).toBe('country');
  });
});
