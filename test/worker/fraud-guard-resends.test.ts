import { afterEach, describe, expect, it } from 'vitest';
import { freshBlocks, freshBritishBlocks, freshUsRange, numberInBlock } from './support/numbers.ts';
import {
  clearSmsFaults,
  injectSmsFault,
  latestCode,
  redis,
  sandboxAttempts,
  type TestApp,
  testApp,
} from './support/stack.ts';

/**
 * A number counts once per guard window (docs/abuse-defense.md): resends to a number neither spend
 * nor are refused by the guard's shared budgets, so a stranger requesting codes for someone's
 * number cannot lock the owner or the owner's range out. Real Redis and Plivo sandbox, fixed clock,
 * default guard settings; cooldowns off so the rounds need no waiting.
 *
 * A range's budget decides only while its country is under pressure (no room in the country cell,
 * default base 15 plus one per verified code): tests of it first bring the country to its limit
 * with unverified codes in other blocks (unverifiedElsewhere), then read the refusal's scope.
 */

const HOUR_MS = 3_600_000;
const START = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 24 * HOUR_MS + HOUR_MS / 4;
const WINDOW = Math.floor(START / HOUR_MS);

afterEach(async () => {
  await clearSmsFaults();
});

interface Clocked extends TestApp {
  at(ms: number): void;
}

function guardApp(overrides: Record<string, string> = {}): Clocked {
  let now = START;
  const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', ...overrides }, { clock: { nowMs: () => now } });
  return Object.assign(app, {
    at(ms: number) {
      now = ms;
    },
  });
}

let ipCounter = 0;
/** A fresh address per request: the attacker rotates, so the per-IP limit never decides here. */
function freshIp(): string {
  ipCounter += 1;
  return `198.19.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

/** `sent` with the verification id, or the refusal's scope (or error code). */
async function request(app: TestApp, phone: string): Promise<{ outcome: string; verificationId?: string }> {
  const response = await app.post('/otp/request', { phone }, { 'cf-connecting-ip': freshIp() });
  const body = (await response.json()) as {
    verificationId?: string;
    error?: { code: string; scope?: string };
  };
  if (response.status === 200) return { outcome: 'sent', verificationId: body.verificationId };
  return { outcome: body.error?.scope ?? body.error?.code ?? String(response.status) };
}

async function outcomes(app: TestApp, phones: string[]): Promise<string[]> {
  const answers = [];
  for (const phone of phones) answers.push((await request(app, phone)).outcome);
  return answers;
}

async function requestAndVerify(app: TestApp, phone: string): Promise<void> {
  const { outcome, verificationId } = await request(app, phone);
  expect(outcome).toBe('sent');
  const verified = await app.post(
    '/otp/verify',
    { verificationId, code: await latestCode(phone) },
    { 'cf-connecting-ip': freshIp() },
  );
  expect(verified.status).toBe(200);
}

function prefixOf(app: TestApp): string {
  return app.env.KEY_PREFIX as string;
}

/**
 * The guard's counts in one window of the US: the range's (the app's key prefix is fresh, so the
 * one range the test uses is the only `r:` cell), its block's and the country's sent and verified.
 * After unverifiedElsewhere only `country` is the test's alone.
 */
async function usCells(app: TestApp, windowIndex = WINDOW) {
  const flat = (await redis(['HGETALL', `${prefixOf(app)}guard:sms:US:${windowIndex}`])) as string[];
  const fields = new Map<string, number>();
  for (let index = 0; index < flat.length; index += 2)
    fields.set(String(flat[index]), Number(flat[index + 1]));
  const sum = (pattern: RegExp) =>
    [...fields].filter(([field]) => pattern.test(field)).reduce((total, [, value]) => total + value, 0);
  return {
    range: { s: sum(/^r:.*:s$/), v: sum(/^r:.*:v$/) },
    block: { s: sum(/^b:.*:s$/), v: sum(/^b:.*:v$/) },
    country: { s: sum(/^c:s$/), v: sum(/^c:v$/) },
  };
}

/**
 * Other traffic in the country: `count` codes nobody verifies, one per fresh US block other than
 * `besides` (the test's block), so the test's range and block get none of them.
 */
async function unverifiedElsewhere(app: TestApp, count: number, besides: string): Promise<void> {
  const blocks = freshBlocks('US', count + 1).filter((block) => block !== besides);
  const phones = blocks.slice(0, count).map((block) => numberInBlock(block, 246, 813));
  expect(await outcomes(app, phones)).toEqual(Array(count).fill('sent'));
}

/** The block of a fresh US range (`+1415EEEL`): the number without its last 6 digits, `+1415E`. */
function blockOf(range: string): string {
  return range.slice(0, 6);
}

/** The guard marks of the app's numbers, field by field. */
async function guardMarks(app: TestApp): Promise<Record<string, string>[]> {
  const keys = (await redis(['KEYS', `${prefixOf(app)}guard-number:sms:*`])) as string[];
  const marks = [];
  for (const key of keys) {
    const flat = (await redis(['HGETALL', key])) as string[];
    const mark: Record<string, string> = {};
    for (let index = 0; index < flat.length; index += 2) mark[String(flat[index])] = String(flat[index + 1]);
    marks.push(mark);
  }
  return marks;
}

/**
 * SMS the sandbox accepted for these numbers since `baseline` (its own count). The sandbox is
 * shared by every test file of the run, and another file may have texted a number of the same
 * fresh range before (each file starts its range cursor at random): only what this test sent counts.
 */
async function smsTo(phones: string[], baseline = 0): Promise<number> {
  const wanted = new Set(phones.map((phone) => phone.slice(1)));
  const attempts = await sandboxAttempts();
  return (
    attempts.filter((attempt) => wanted.has(attempt.dst.replace(/^\+/, '')) && attempt.outcome === 'accepted')
      .length - baseline
  );
}

describe('a stranger cannot spend a range budget through one number', () => {
  it('a stranger hammering one number up to its per-phone limit counts it once: under pressure its range is not blamed for the rest of the range', async () => {
    const app = guardApp();
    const { range, number } = freshUsRange();
    const victim = number(0);
    const before = await smsTo([victim]);
    // RATE_LIMIT_SEND_PER_PHONE is 5/1h: the sixth is the per-phone limit, not the guard.
    expect(await outcomes(app, Array(6).fill(victim))).toEqual([...Array(5).fill('sent'), 'phone']);
    expect(await smsTo([victim], before)).toBe(5);
    expect(await usCells(app)).toEqual({
      range: { s: 1, v: 0 },
      block: { s: 1, v: 0 },
      country: { s: 5, v: 0 },
    });
    // 10 unverified codes elsewhere: the country at its base of 15, so ranges are checked now.
    await unverifiedElsewhere(app, 10, blockOf(range));
    expect((await usCells(app)).country).toEqual({ s: 15, v: 0 });
    // The range holds the victim once, under its base of 2: another number of it is not refused
    // for its range (five counts would be). Its block is not clean, so it cannot borrow: the country's.
    expect(await outcomes(app, [number(1)])).toEqual(['country']);
  });

  it('resends to one number count once in its range and block, each in the country, and mark the number', async () => {
    const app = guardApp();
    const phone = freshUsRange().number(42);
    expect(await outcomes(app, Array(4).fill(phone))).toEqual(Array(4).fill('sent'));
    const one = { s: 1, v: 0 };
    // The country counts every send: resends to numbers an attacker holds still spend its budget.
    expect(await usCells(app)).toEqual({ range: one, block: one, country: { s: 4, v: 0 } });
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW), o: '0' }]);
    // The plain per-phone limit still counts every send.
    expect(await outcomes(app, [phone, phone])).toEqual(['sent', 'phone']);
  });

  it("the owner verifying clears the stranger's unverified send: under pressure the range holds its base plus the owner's credit", async () => {
    const app = guardApp();
    const { range, number } = freshUsRange();
    const victim = number(7);
    expect(await outcomes(app, [victim, victim])).toEqual(['sent', 'sent']);
    await requestAndVerify(app, victim);
    const cleared = { s: 1, v: 1 };
    expect(await usCells(app)).toEqual({ range: cleared, block: cleared, country: { s: 3, v: 1 } });
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW), o: '0', c: '1' }]);
    expect(await outcomes(app, [number(1), number(2)])).toEqual(['sent', 'sent']);
    // The country: 5 sent, 1 verified, so 4 unverified of its 15 + 1; 12 more leave it no room.
    await unverifiedElsewhere(app, 12, blockOf(range));
    expect((await usCells(app)).country).toEqual({ s: 17, v: 1 });
    // u = 2 under the range's 2 + 1: not blamed (had the stranger's send stayed, 3 unverified and
    // no credit would be). The block is not clean: the country's refusal.
    expect(await outcomes(app, [number(3)])).toEqual(['country']);
  });
});

describe('a number earns its cells one credit per window', () => {
  it('three verified codes of one number credit the range, block and country once', async () => {
    const app = guardApp();
    const { range, number } = freshUsRange();
    const owner = number(9);
    for (let code = 0; code < 3; code += 1) await requestAndVerify(app, owner);
    const once = { s: 1, v: 1 };
    expect(await usCells(app)).toEqual({ range: once, block: once, country: { s: 3, v: 1 } });
    expect(await outcomes(app, [number(1), number(2), number(3)])).toEqual(['sent', 'sent', 'sent']);
    // The country: 6 sent, 1 verified, so 5 unverified of its 15 + 1; 11 more leave it no room.
    await unverifiedElsewhere(app, 11, blockOf(range));
    expect((await usCells(app)).country).toEqual({ s: 17, v: 1 });
    // One credit, not three: 3 unverified is the range's limit 2 + 1, so it is blamed.
    expect(await outcomes(app, [number(4)])).toEqual(['range']);
  });
});

describe('the guard window', () => {
  it('a number counted in one window is a resend through the next, credited where it counted, and counts again after', async () => {
    const app = guardApp();
    const phone = freshUsRange().number(5);
    expect((await request(app, phone)).outcome).toBe('sent');
    // Half into the next window: a resend, counted in the country only; its approval credits the
    // first window.
    app.at((WINDOW + 1) * HOUR_MS + HOUR_MS / 2);
    await requestAndVerify(app, phone);
    const none = { s: 0, v: 0 };
    expect(await usCells(app, WINDOW + 1)).toEqual({ range: none, block: none, country: { s: 1, v: 0 } });
    const credited = { s: 1, v: 1 };
    expect(await usCells(app, WINDOW)).toEqual({ range: credited, block: credited, country: credited });
    // Two windows on, the first count has slid out: the number counts again.
    app.at((WINDOW + 2) * HOUR_MS + HOUR_MS / 2);
    expect((await request(app, phone)).outcome).toBe('sent');
    expect(await usCells(app, WINDOW + 2)).toEqual({
      range: { s: 1, v: 0 },
      block: { s: 1, v: 0 },
      country: { s: 1, v: 0 },
    });
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW + 2), o: '0' }]);
  });
});

describe('a Plivo 4xx', () => {
  it('on a first send takes back its count and mark, so the next send to the number counts afresh', async () => {
    const app = guardApp();
    const phone = freshUsRange().number(11);
    await injectSmsFault({ status: 400, count: 1 });
    expect((await request(app, phone)).outcome).toBe('sms_failed');
    const none = { s: 0, v: 0 };
    expect(await usCells(app)).toEqual({ range: none, block: none, country: none });
    expect(await guardMarks(app)).toEqual([]);
    await requestAndVerify(app, phone);
    const counted = { s: 1, v: 1 };
    expect(await usCells(app)).toEqual({ range: counted, block: counted, country: counted });
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW), o: '0', c: '1' }]);
  });

  it('on a resend gives back its country count; the first send stays counted and is credited once', async () => {
    const app = guardApp();
    const phone = freshUsRange().number(12);
    expect((await request(app, phone)).outcome).toBe('sent');
    await injectSmsFault({ status: 400, count: 1 });
    expect((await request(app, phone)).outcome).toBe('sms_failed');
    const counted = { s: 1, v: 0 };
    // The refused resend charged the country alone, and gave it back: nobody received it.
    expect(await usCells(app)).toEqual({ range: counted, block: counted, country: counted });
    // The first send's count and the number's mark stay: the next send is still a resend.
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW), o: '0' }]);
    await requestAndVerify(app, phone);
    const credited = { s: 1, v: 1 };
    expect(await usCells(app)).toEqual({ range: credited, block: credited, country: { s: 2, v: 1 } });
    expect(await guardMarks(app)).toEqual([{ w: String(WINDOW), o: '0', c: '1' }]);
  });
});

describe('the price of counting a number once, and its bound', () => {
  it('an attacker resending to the numbers it got admitted in one range gets at most the per-phone limit each, and RATE_LIMIT_SEND_PER_PREFIX in all', async () => {
    // Resends are not checked in the range, and while the country has room nothing in the range
    // is: the plain limits bound them. A declared US (600 an hour: country base 150) keeps the
    // country cell out of it.
    const app = guardApp({ FRAUD_GUARD_EXPECTED: 'US:600' });
    const { number } = freshUsRange();
    const held = [number(3), number(6)];
    const more = [number(9), number(12)];
    const before = await smsTo([...held, ...more]);
    const answers = [];
    for (let round = 0; round < 6; round += 1) answers.push(...(await outcomes(app, held)));
    // 5 each (RATE_LIMIT_SEND_PER_PHONE), then the per-phone limit.
    expect(answers).toEqual([...Array(10).fill('sent'), 'phone', 'phone']);
    const later = [];
    for (let round = 0; round < 6; round += 1) later.push(...(await outcomes(app, more)));
    // 5 more make the range's 15 (RATE_LIMIT_SEND_PER_PREFIX): then every send, resend or not, is refused.
    expect(later).toEqual([...Array(5).fill('sent'), ...Array(7).fill('prefix')]);
    expect(await smsTo([...held, ...more], before)).toBe(15);
    // The range and block count each number once; the country counts every send.
    const four = { s: 4, v: 0 };
    expect(await usCells(app)).toEqual({ range: four, block: four, country: { s: 15, v: 0 } });
  });

  it('resends spend the country budget: an attacker resending across many blocks stays within base + overdraft', async () => {
    const app = guardApp();
    // One number in each of 6 fresh blocks, then resends to them: every send counts in the country.
    const phones = freshBritishBlocks(6).map((block) => numberInBlock(block, 100, 1));
    const answers = [];
    for (let round = 0; round < 5; round += 1) answers.push(...(await outcomes(app, phones)));
    // Country base 15 and no credit: the 16th send is refused whether it is a resend or not.
    expect(answers.filter((answer) => answer === 'sent')).toHaveLength(15);
    expect(answers.slice(15).every((answer) => answer === 'country')).toBe(true);
  });
});
