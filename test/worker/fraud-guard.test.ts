import { afterEach, describe, expect, it } from 'vitest';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { relayUrl } from './support/callbacks.ts';
import { freshIp, guardApp, HOUR_MS, START } from './support/guard-app.ts';
import {
  frenchMobile,
  freshBlocks,
  freshBritishBlocks,
  freshUsRange,
  numberInBlock,
} from './support/numbers.ts';
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
 *
 * Narrow cells blame only past the country's base: while a country's unverified sends are below its
 * base (15 by default), a first send is admitted without its range or block being checked (they
 * still count). Tests of the range and block budgets therefore first bring the country to its base
 * with unverified codes elsewhere (unverifiedElsewhere), then show who is refused and with which scope.
 */

const WINDOW = Math.floor(START / HOUR_MS);

afterEach(async () => {
  await clearSmsFaults();
});

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

/**
 * SMS attempts the sandbox saw for these numbers, less `baseline` (an earlier count): the sandbox is
 * shared by the whole run, and a fresh block may have been handed out to an earlier test too.
 */
async function smsTo(numbers: string[], baseline = 0): Promise<number> {
  const wanted = new Set(numbers.map((number) => number.slice(1)));
  const attempts = await sandboxAttempts();
  return attempts.filter((attempt) => wanted.has(attempt.dst.replace(/^\+/, ''))).length - baseline;
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

/** One field of the guard's hash of a country and channel in a window (`c:s`, `o:v`, `b:{block}:s`…); 0 if never written. */
async function guardField(
  app: TestApp,
  field: string,
  { country = 'US', channel = 'sms', windowIndex = WINDOW } = {},
): Promise<number> {
  const key = `${app.env.KEY_PREFIX as string}guard:${channel}:${country}:${windowIndex}`;
  return Number((await redis(['HGET', key, field])) ?? 0);
}

/**
 * Other traffic in the country: `count` codes nobody verifies, each to a number in a fresh block of
 * its own (so the test's ranges and blocks get none of them). The test picks `count` to bring the
 * country cell exactly to its limit; every one is admitted from the country's room.
 */
async function unverifiedElsewhere(app: TestApp, country: string, count: number, channel = 'sms') {
  const outcomes = [];
  for (const block of freshBlocks(country, count))
    outcomes.push(await request(app, numberInBlock(block, 246, 813), channel));
  expect(outcomes).toEqual(Array(count).fill('sent'));
}

describe('a pumped range is refused once its country is under pressure', () => {
  it('a range pumped while its country is under pressure: 30 never-verified requests from 30 addresses get 2 SMS, then 429 scope range', async () => {
    const app = guardApp();
    const [home, clean] = freshBlocks('US', 2) as [string, string];
    // 13 unverified codes elsewhere: the range's first two bring the country to its base of 15.
    await unverifiedElsewhere(app, 'US', 13);
    const numbers = Array.from({ length: 30 }, (_, index) => numberInBlock(home, 123, index * 7 + 2));
    const before = await smsTo(numbers);
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    // Two admitted from the country's room; then it has none, and the range is at its base of 2.
    expect(outcomes).toEqual([...Array(2).fill('sent'), ...Array(28).fill('range')]);
    expect(await smsTo(numbers, before)).toBe(2);
    // Refusals are counted for operators, per country and scope; they take nothing from the cells.
    expect(await statsField(app, 'US:refused:range')).toBe(28);
    expect(await statsField(app, 'US:sent')).toBe(15);
    expect(await guardField(app, 'c:s')).toBe(15);
    expect(await guardField(app, `b:${home}:s`)).toBe(2);
    // Another range of the same block is not blamed on the range (its block holds 2 of 5), but the
    // block is not clean, so no overdraft: the country refuses. A clean block borrows.
    expect(await request(app, numberInBlock(home, 456, 789))).toBe('country');
    expect(await request(app, numberInBlock(clean, 123, 456))).toBe('sent');
    expect(await guardField(app, 'o:s')).toBe(1);
  });

  it('a range pumped alone is bounded by RATE_LIMIT_SEND_PER_PREFIX: 15 SMS of 30, then 429 scope prefix, and its block is blamed once the country is out of room', async () => {
    const app = guardApp();
    const [home, clean] = freshBlocks('US', 2) as [string, string];
    const numbers = Array.from({ length: 30 }, (_, index) => numberInBlock(home, 321, index * 7 + 2));
    const before = await smsTo(numbers);
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    // While the country has room its range is not checked: the plain per-range limit (15/1h,
    // checked before the guard) is what stops a lone pumped range.
    expect(outcomes).toEqual([...Array(15).fill('sent'), ...Array(15).fill('prefix')]);
    expect(await smsTo(numbers, before)).toBe(15);
    expect(await statsField(app, 'US:refused:prefix')).toBe(15);
    expect(await statsField(app, 'US:refused:range')).toBe(0);
    // Those 15 unverified codes also spent the country's base: its block (15 of 5) is now blamed for
    // its other ranges, while a clean block is still served from the overdraft.
    expect(await request(app, numberInBlock(home, 654, 321))).toBe('block');
    expect(await request(app, numberInBlock(clean, 321, 654))).toBe('sent');
  });

  it('verified codes raise a range budget: under pressure a range with 2 verified codes is blamed at 4 unverified sends, not at 3', async () => {
    const app = guardApp();
    const [a, b, c] = freshBlocks('US', 3) as [string, string, string];
    const creditedFull = (index: number) => numberInBlock(a, 123, index);
    const creditedRoom = (index: number) => numberInBlock(b, 123, index);
    const uncredited = (index: number) => numberInBlock(c, 123, index);
    for (const index of [1, 2]) {
      await userVerifies(app, creditedFull(index));
      await userVerifies(app, creditedRoom(index));
    }
    const unverified = [];
    for (const index of [10, 11, 12, 13]) unverified.push(await request(app, creditedFull(index)));
    for (const index of [10, 11, 12]) unverified.push(await request(app, creditedRoom(index)));
    for (const index of [10, 11]) unverified.push(await request(app, uncredited(index)));
    expect(unverified).toEqual(Array(9).fill('sent'));
    // The country: 13 sent, 4 verified, so 9 unverified of its 15 + 4 credits; 10 more leave no room.
    await unverifiedElsewhere(app, 'US', 10);
    expect([await guardField(app, 'c:s'), await guardField(app, 'c:v')]).toEqual([23, 4]);
    // Base 2 + 2 credits: 4 unverified is the range's limit, 3 is not (its block, not clean, cannot
    // borrow: the country's refusal); a range without verified codes is blamed at its base of 2.
    expect(await request(app, creditedFull(20))).toBe('range');
    expect(await request(app, creditedRoom(20))).toBe('country');
    expect(await request(app, uncredited(20))).toBe('range');
  });

  it('a range that stops converting shrinks back as the window slides', async () => {
    const app = guardApp();
    const [a, b] = freshBlocks('US', 2) as [string, string];
    const shrinking = (index: number) => numberInBlock(a, 123, index);
    const control = (index: number) => numberInBlock(b, 123, index);
    for (let index = 0; index < 4; index += 1) {
      await userVerifies(app, shrinking(index));
      await userVerifies(app, control(index));
    }
    // The next window, three quarters through: each range's 4 verified codes still weigh 0.25, one
    // credit, budget 2 + 1. The country's 8 weigh 2 (sent and verified): its limit is 15 + 2.
    const nextWindow = (WINDOW + 1) * HOUR_MS;
    app.at(nextWindow + (3 * HOUR_MS) / 4);
    const later = [];
    for (let index = 100; index < 103; index += 1) later.push(await request(app, shrinking(index)));
    for (let index = 100; index < 102; index += 1) later.push(await request(app, control(index)));
    expect(later).toEqual(Array(5).fill('sent'));
    // 5 unverified now; 12 more bring the country to 17, no room.
    await unverifiedElsewhere(app, 'US', 12);
    expect(await guardField(app, 'c:s', { windowIndex: WINDOW + 1 })).toBe(17);
    // 3 unverified is the limit 2 + 1: blamed; 2 is under it (the country refuses: the block is not clean).
    expect(await request(app, shrinking(103))).toBe('range');
    expect(await request(app, control(102))).toBe('country');

    // Two windows on, the history has slid out: back to the base of 2 (and the country's 15).
    app.at(nextWindow + 2 * HOUR_MS + HOUR_MS / 2);
    const after = [];
    for (const index of [200, 201]) after.push(await request(app, shrinking(index)));
    after.push(await request(app, control(200)));
    expect(after).toEqual(Array(3).fill('sent'));
    await unverifiedElsewhere(app, 'US', 12);
    // 2 unverified is now the limit (with the old credit it would be under 3); 1 is not.
    expect(await request(app, shrinking(202))).toBe('range');
    expect(await request(app, control(201))).toBe('country');
  });

  it('a Plivo 4xx takes back the send from the guard: three refused SMS leave the range and country budgets whole', async () => {
    const app = guardApp();
    const [home] = freshBlocks('US', 1) as [string];
    const number = (index: number) => numberInBlock(home, 123, index + 2);
    await injectSmsFault({ status: 400, count: 3 });
    for (let index = 0; index < 3; index += 1) expect(await request(app, number(index))).toBe('sms_failed');
    expect(await statsField(app, 'US:sent')).toBe(0);
    expect(await guardField(app, 'c:s')).toBe(0);
    expect(await guardField(app, `b:${home}:s`)).toBe(0);
    expect(await request(app, number(10))).toBe('sent');
    // 1 + 14: the country at exactly its base (the refused three would make it 18).
    await unverifiedElsewhere(app, 'US', 14);
    expect(await guardField(app, 'c:s')).toBe(15);
    // The range holds 1 of its base 2: not blamed (with the refused three it would hold 4).
    expect(await request(app, number(11))).toBe('country');
  });
});

describe('each channel has its own budgets', () => {
  const WHATSAPP = { PLIVO_WHATSAPP_SRC: '+14155550111', PLIVO_WHATSAPP_TEMPLATE: 'otp_login' };

  /**
   * Spends `spent`'s country budget (two codes into one range, 13 elsewhere: 15, its base), shows the
   * range refused there, then the same range served on `spare`, whose cells are its own.
   */
  async function spendOneChannel(app: TestApp, spent: string, spare: string) {
    const [home] = freshBlocks('US', 1) as [string];
    const number = (index: number) => numberInBlock(home, 123, index + 2);
    expect([await request(app, number(0), spent), await request(app, number(1), spent)]).toEqual([
      'sent',
      'sent',
    ]);
    await unverifiedElsewhere(app, 'US', 13, spent);
    expect(await request(app, number(2), spent)).toBe('range');
    const other = [];
    for (const index of [10, 11, 12]) other.push(await request(app, number(index), spare));
    expect(other).toEqual(['sent', 'sent', 'sent']);
    expect(await guardField(app, 'c:s', { channel: spent })).toBe(15);
    expect(await guardField(app, 'c:s', { channel: spare })).toBe(3);
  }

  it('a country whose SMS budget is spent still gets its WhatsApp budget, and the other way round', async () => {
    await spendOneChannel(guardApp(WHATSAPP), 'sms', 'whatsapp');
    await spendOneChannel(guardApp(WHATSAPP), 'whatsapp', 'sms');
  });

  it('voice pumping is budgeted apart: once calls spent the voice budget a pumped range gets no more calls, while SMS to it still go', async () => {
    // The relay as public address: the sandbox's reports and answer requests go somewhere that listens.
    const app = guardApp({ PLIVO_VOICE_SRC: '+14155550122', PUBLIC_BASE_URL: relayUrl });
    await spendOneChannel(app, 'voice', 'sms');
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

  it('an attacked country still serves users in its clean blocks from the overdraft, and refuses the dirty ones', async () => {
    const app = guardApp();
    const [first, second, third, fourth, clean, cleanToo] = freshBritishBlocks(6) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    // 15 unverified sends fill three blocks to their base of 5: the country is at its base.
    const attack = [first, second, third].flatMap((block) =>
      [0, 1, 2, 3, 4].map((index) => numberInBlock(block, 100 + Math.floor(index / 2), index)),
    );
    const attackOutcomes = [];
    for (const phone of attack) attackOutcomes.push(await request(app, phone));
    expect(attackOutcomes).toEqual(Array(15).fill('sent'));
    // The country is full: a fourth block, clean, is still served from the overdraft.
    expect(await request(app, numberInBlock(fourth, 100, 0))).toBe('sent');
    // The attacker's blocks are refused (block budget), even in ranges the attacker has not touched.
    expect(await request(app, numberInBlock(first, 900, 1))).toBe('block');
    expect(await request(app, numberInBlock(second, 901, 1))).toBe('block');

    // A user in a clean block is served from the overdraft (the country alone would refuse) and verifies.
    await userVerifies(app, numberInBlock(clean, 500, 1));
    await userVerifies(app, numberInBlock(cleanToo, 500, 2));
    const counts = [];
    for (const field of ['c:s', 'c:v', 'o:s', 'o:v'])
      counts.push(await guardField(app, field, { country: 'GB' }));
    expect(counts).toEqual([18, 2, 3, 2]);
    // Each verified code is a credit for the country too: 16 unverified of 15 + 2 leaves room for one
    // more send, but past its base the country checks ranges and blocks: real users' credit does
    // not reopen the attacker's dirty blocks, and a clean block takes the room.
    expect(await request(app, numberInBlock(third, 902, 1))).toBe('block');
    expect(await request(app, numberInBlock(second, 903, 1))).toBe('block');
    expect(await request(app, numberInBlock(freshBritishBlocks(1)[0] as string, 100, 1))).toBe('sent');
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
  it('shadow sends what enforce would refuse under pressure, and counts it as shadow by scope', async () => {
    const app = guardApp({ FRAUD_GUARD: 'shadow' });
    const [home] = freshBlocks('US', 1) as [string];
    const numbers = Array.from({ length: 6 }, (_, index) => numberInBlock(home, 123, index + 2));
    const before = await smsTo(numbers);
    const outcomes = [await request(app, numbers[0] as string), await request(app, numbers[1] as string)];
    // 2 + 13: the country at its base, so the range's next four are what enforce would refuse.
    await unverifiedElsewhere(app, 'US', 13);
    for (const phone of numbers.slice(2)) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual(Array(6).fill('sent'));
    expect(await smsTo(numbers, before)).toBe(6);
    expect(await statsField(app, 'US:shadow:range')).toBe(4);
    expect(await statsField(app, 'US:refused:range')).toBe(0);
    // Shadow counts every send as enforce would have counted an admitted one.
    expect(await guardField(app, 'c:s')).toBe(19);
    expect(await guardField(app, `b:${home}:s`)).toBe(6);
  });

  it('off sends without the guard, and the plain limits still hold', async () => {
    const app = guardApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_PREFIX: '5/1h' });
    const { number } = freshUsRange();
    const numbers = Array.from({ length: 7 }, (_, index) => number(index));
    const outcomes = [];
    for (const phone of numbers) outcomes.push(await request(app, phone));
    expect(outcomes).toEqual([...Array(5).fill('sent'), 'prefix', 'prefix']);
    expect(await statsField(app, 'US:shadow:range')).toBe(0);
    // Off counts nothing in the guard: no cells, no number marks (enforce later starts clean).
    expect(await redis(['KEYS', `${app.env.KEY_PREFIX as string}guard*`])).toEqual([]);
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

  it('requests the guard refuses take nothing from the plain country, global or prefix limits', async () => {
    const app = guardApp({ RATE_LIMIT_SEND_GLOBAL: '17/1h', RATE_LIMIT_SEND_PER_COUNTRY: '17/1h' });
    const [home] = freshBlocks('US', 1) as [string];
    const number = (index: number) => numberInBlock(home, 123, index + 2);
    expect([await request(app, number(0)), await request(app, number(1))]).toEqual(['sent', 'sent']);
    // 2 + 13: the guard's country cell at its base of 15, and 15 of the plain limits' 17.
    await unverifiedElsewhere(app, 'US', 13);
    const outcomes = [];
    for (let index = 2; index < 40; index += 1) outcomes.push(await request(app, number(index)));
    // All refused by the range's budget; had they counted, the prefix limit (15) would refuse them.
    expect(tally(outcomes)).toEqual({ range: 38 });
    // Country and global had room for 17: the 38 refusals spent none of it. Two clean blocks are
    // served from the overdraft; the third is the plain country cap (the overdraft holds 2 of 10).
    const clean = freshBlocks('US', 3).map((block) => numberInBlock(block, 123, 456));
    const after = [];
    for (const phone of clean) after.push(await request(app, phone));
    expect(after).toEqual(['sent', 'sent', 'country']);
    expect(await guardField(app, 'o:s')).toBe(2);
  });
});
