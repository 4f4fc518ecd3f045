import { afterEach, describe, expect, it } from 'vitest';
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { relayUrl } from './support/callbacks.ts';
import { freshIp, guardApp, HOUR_MS, START } from './support/guard-app.ts';
import { frenchMobile, freshUsRange } from './support/numbers.ts';
import {
  clearSmsFaults,
  countRoundTrips,
  injectSmsFault,
  latestCode,
  redis,
  sandboxAttempts,
  type TestApp,
} from './support/stack.ts';

/**
 * Every refusal a real user can meet has a way through that a person or a vouching backend can
 * take and a pumping bot cannot take for free (docs/abuse-defense.md): declared and learned
 * home-market budgets, a challenge instead of a dead end, trusted users per API key, and no cheap
 * lockout. Real Redis, the Plivo sandbox and the Turnstile stand-in; only the clock is fixed.
 */

const DAY_MS = 24 * HOUR_MS;
const PASSES = '1x0000000000000000000000000000000AA';
const SITE_KEY = '0x4AAAAAAAtest-site-key';
const API_KEY = 'guard-test-api-key-0123456789';
const ADMIN_KEY = 'guard-test-admin-key-0123456789';

afterEach(async () => {
  await clearSmsFaults();
});

interface Answer {
  status: number;
  code: string;
  scope?: string;
  verificationId?: string;
  challenge?: { type: string; siteKey?: string };
}

async function answer(response: Response): Promise<Answer> {
  const body = (await response.json()) as {
    verificationId?: string;
    error?: { code: string; scope?: string; challenge?: Answer['challenge'] };
  };
  if (response.status === 200) return { status: 200, code: 'sent', verificationId: body.verificationId };
  const { code = 'unknown', scope, challenge } = body.error ?? {};
  return { status: response.status, code, scope, challenge };
}

function request(app: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.post('/otp/request', body, { 'cf-connecting-ip': freshIp(), ...headers });
}

/** The outcome's short name: `sent`, the scope of a 429, or the error code. */
async function outcomeOf(response: Response): Promise<string> {
  const read = await answer(response);
  return read.code === 'rate_limited' ? (read.scope ?? 'rate_limited') : read.code;
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/**
 * The cold-start budget at work: the country's base (15) is sent, then at most the overdraft (10)
 * into clean blocks, and the rest is refused by the blocks these numbers share or the country
 * (consecutive fresh ranges sit in one or two blocks, depending on where the file's cursor starts).
 */
function expectStrictBudget(outcomes: string[]): void {
  const { sent = 0, block = 0, country = 0, ...other } = tally(outcomes);
  expect(other).toEqual({});
  expect(sent).toBeGreaterThanOrEqual(15);
  expect(sent).toBeLessThanOrEqual(25);
  expect(block + country).toBe(outcomes.length - sent);
}

/** `count` fresh US numbers, each in its own range (the per-prefix limit never decides). */
function usNumbers(count: number): string[] {
  return Array.from({ length: count }, () => freshUsRange().number(123));
}

async function verifyLatest(app: TestApp, phone: string, verificationId: string | undefined) {
  const response = await app.post(
    '/otp/verify',
    { verificationId, code: await latestCode(phone) },
    { 'cf-connecting-ip': freshIp() },
  );
  expect(response.status).toBe(200);
}

async function guardField(app: TestApp, field: string, channel = 'sms', country = 'US'): Promise<number> {
  const window = Math.floor(START / HOUR_MS);
  const key = `${app.env.KEY_PREFIX as string}guard:${channel}:${country}:${window}`;
  return Number((await redis(['HGET', key, field])) ?? 0);
}

async function statsField(app: TestApp, field: string): Promise<number> {
  const value = await redis(['HGET', `${app.env.KEY_PREFIX as string}stats:${hourBucket(START)}`, field]);
  return Number(value ?? 0);
}

describe('home-market budgets', () => {
  it('a declared country admits a crowd of a quarter of its hourly volume unverified at once; an undeclared one stops at its strict base', async () => {
    const declared = guardApp({ FRAUD_GUARD_EXPECTED: 'US:400' });
    const crowd = usNumbers(100);
    const outcomes = [];
    for (const phone of crowd) outcomes.push(await outcomeOf(await request(declared, { phone })));
    expect(tally(outcomes)).toEqual({ sent: 100 });

    // The same crowd without the declaration: the cold-start budget (15, and the overdraft only
    // for clean blocks; these numbers share a few blocks).
    const undeclared = guardApp();
    const strict = [];
    for (const phone of usNumbers(40)) strict.push(await outcomeOf(await request(undeclared, { phone })));
    expectStrictBudget(strict);
  });

  it('a declared volume raises the absolute per-country cap to twice it', async () => {
    const app = guardApp({ FRAUD_GUARD_EXPECTED: 'US:40', RATE_LIMIT_SEND_PER_COUNTRY: '5/1h' });
    const outcomes = [];
    for (const phone of usNumbers(12)) outcomes.push(await outcomeOf(await request(app, { phone })));
    // base max(15, 40/4) = 15 admits all; the cap is max(5, 2 x 40) = 80.
    expect(tally(outcomes)).toEqual({ sent: 12 });
  });

  it('learns a country from a week of verified history: a spike the busiest hour implies is admitted, and forgotten after 7 days', async () => {
    const app = guardApp({ ADMIN_API_KEYS: ADMIN_KEY });
    // Day 0: 120 users verify within one hour (the busiest hour: 120 verified codes).
    for (const phone of usNumbers(120)) {
      const sent = await answer(await request(app, { phone }));
      expect(sent.code).toBe('sent');
      await verifyLatest(app, phone, sent.verificationId);
    }
    // Six days on, a spike of 30 unverified at once (120 / 4): all admitted, past the strict 25.
    app.at(START + 6 * DAY_MS);
    const spike = [];
    for (const phone of usNumbers(30)) spike.push(await outcomeOf(await request(app, { phone })));
    expect(tally(spike)).toEqual({ sent: 30 });

    // Nine days on, the history is older than 7 days: the strict cold-start budget again.
    app.at(START + 9 * DAY_MS);
    const later = [];
    for (const phone of usNumbers(30)) later.push(await outcomeOf(await request(app, { phone })));
    expectStrictBudget(later);

    const stats = await app.call('/admin/stats?hours=1', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(stats.status).toBe(200);
    const body = (await stats.json()) as { countries: { country: string; guard: { expected: unknown } }[] };
    // The report shows what the guard expects; at day 9 nothing is learned any more.
    expect(body.countries.find((entry) => entry.country === 'US')?.guard.expected).toEqual({
      declared: 0,
      learned: 0,
      base: 15,
    });
  }, 120_000);

  it('a number verifying many codes in an hour teaches the learned volume once', async () => {
    const app = guardApp();
    const [repeated, other] = usNumbers(2) as [string, string];
    for (let round = 0; round < 3; round += 1) {
      const sent = await answer(await request(app, { phone: repeated }));
      await verifyLatest(app, repeated, sent.verificationId);
    }
    const sent = await answer(await request(app, { phone: other }));
    await verifyLatest(app, other, sent.verificationId);
    const day = String(Math.floor(START / DAY_MS));
    expect(await redis(['HGET', `${app.env.KEY_PREFIX as string}guard-peak:US`, day])).toBe('2');
    expect(await statsField(app, 'US:verified')).toBe(4);
  });
});

describe('no cheap lockout', () => {
  it("a stranger's two requests into a range refuse none of its other numbers", async () => {
    const app = guardApp();
    const { number } = freshUsRange();
    const sameIp = { 'cf-connecting-ip': '203.0.113.66' };
    expect(await outcomeOf(await request(app, { phone: number(1) }, sameIp))).toBe('sent');
    expect(await outcomeOf(await request(app, { phone: number(2) }, sameIp))).toBe('sent');
    const owners = [];
    for (let index = 10; index < 15; index += 1)
      owners.push(await outcomeOf(await request(app, { phone: number(index) })));
    expect(owners).toEqual(Array(5).fill('sent'));
  });

  it("a stranger's five requests into a block refuse none of the block's other ranges", async () => {
    const app = guardApp();
    // The block: the number without its last 6 digits (+1415E); five ranges of it, then five others.
    const block = freshUsRange().range.slice(0, 6);
    for (let index = 0; index < 5; index += 1)
      expect(await outcomeOf(await request(app, { phone: `${block}${10 + index}1234` }))).toBe('sent');
    const owners = [];
    for (let index = 0; index < 5; index += 1)
      owners.push(await outcomeOf(await request(app, { phone: `${block}${30 + index}5678` })));
    expect(owners).toEqual(Array(5).fill('sent'));
  });
});

describe('a challenge instead of a dead end (TURNSTILE_MODE=pressure)', () => {
  const pressure = {
    TURNSTILE_SECRET_KEY: PASSES,
    TURNSTILE_SITE_KEY: SITE_KEY,
    TURNSTILE_MODE: 'pressure',
  };
  const token = () => solvedToken({ hostname: 'localhost', action: 'otp-request' });

  it('asks for nothing until the guard would refuse, then answers 403 challenge_required, and the retried request with a solved token is sent from the challenged cell', async () => {
    const app = guardApp(pressure);
    const numbers = usNumbers(40);
    const plain = [];
    for (const phone of numbers.slice(0, 30)) plain.push(await answer(await request(app, { phone })));
    const sent = plain.filter((entry) => entry.code === 'sent').length;
    expect(sent).toBeGreaterThanOrEqual(15);
    const asked = plain.filter((entry) => entry.code === 'challenge_required');
    expect(asked.length).toBe(30 - sent);
    expect(asked[0]).toMatchObject({ status: 403, challenge: { type: 'turnstile', siteKey: SITE_KEY } });
    // Counted as challenges by the scope that would have refused (these numbers share a block).
    const challengedCounts =
      (await statsField(app, 'US:challenged:block')) + (await statsField(app, 'US:challenged:country'));
    expect(challengedCounts).toBe(asked.length);
    expect(await statsField(app, 'US:refused:block')).toBe(0);

    // The same request again with a solved token: one store round trip, sent, counted in `h`.
    const phone = numbers[35] as string;
    expect((await answer(await request(app, { phone }))).code).toBe('challenge_required');
    const { result, roundTrips } = await countRoundTrips(() =>
      request(app, { phone, turnstileToken: token() }).then(answer),
    );
    expect(result.code).toBe('sent');
    expect(roundTrips).toBe(1);
    expect(await guardField(app, 'h:s')).toBe(1);
    await verifyLatest(app, phone, result.verificationId);
    expect(await guardField(app, 'h:v')).toBe(1);
    // A token that does not pass is still a bot check that failed.
    const bad = await request(app, { phone: numbers[36] as string, turnstileToken: 'wrong-action.1' });
    expect((await answer(bad)).code).toBe('captcha_failed');
  });

  it('plain requests cannot fill the challenged cell; solved ones stop at its base with 429 scope challenged', async () => {
    const app = guardApp({ ...pressure, FRAUD_GUARD_CHALLENGED_BASE: '3' });
    const numbers = usNumbers(60);
    for (const phone of numbers.slice(0, 40)) await request(app, { phone });
    expect(await guardField(app, 'h:s')).toBe(0);
    const solved = [];
    for (const phone of numbers.slice(40, 45))
      solved.push(await outcomeOf(await request(app, { phone, turnstileToken: token() })));
    expect(solved).toEqual(['sent', 'sent', 'sent', 'challenged', 'challenged']);
  });

  it('TURNSTILE_MODE=pressure without a site key is refused at load, naming the setting', async () => {
    const app = guardApp({ TURNSTILE_SECRET_KEY: PASSES, TURNSTILE_MODE: 'pressure' });
    const response = await request(app, { phone: usNumbers(1)[0] });
    expect(response.status).toBe(503);
    expect((await answer(response)).code).toBe('misconfigured');
  });
});

describe('trusted users (an API-key caller vouches for its user)', () => {
  const server = { authorization: `Bearer ${API_KEY}`, 'x-end-user-ip': '203.0.113.20' };

  it('skip the range, block and country cells within the key own budget, one store round trip', async () => {
    const app = guardApp({ API_KEYS: API_KEY, FRAUD_GUARD_TRUSTED_BASE: '40' });
    const numbers = usNumbers(70);
    // The country is under pressure: plain requests are refused.
    const plain = [];
    for (const phone of numbers.slice(0, 31)) plain.push(await outcomeOf(await request(app, { phone })));
    expectStrictBudget(plain);
    const trusted = [];
    for (const [index, phone] of numbers.slice(31, 71).entries()) {
      const headers = { ...server, 'x-end-user-ip': `203.0.113.${index + 1}` };
      trusted.push(await outcomeOf(await request(app, { phone, trustedUser: true }, headers)));
    }
    expect(tally(trusted)).toEqual({ sent: 39 });
    const { result, roundTrips } = await countRoundTrips(async () =>
      outcomeOf(await request(app, { phone: usNumbers(1)[0], trustedUser: true }, server)),
    );
    // The 40th of the key's budget is still admitted, the next is the key's own refusal.
    expect(result).toBe('sent');
    expect(roundTrips).toBe(1);
    expect(await outcomeOf(await request(app, { phone: usNumbers(1)[0], trustedUser: true }, server))).toBe(
      'trusted',
    );
    expect(await guardField(app, 't:s')).toBe(40);
  });

  it('still meet the per-number limit', async () => {
    const app = guardApp({ API_KEYS: API_KEY, RATE_LIMIT_SEND_PER_PHONE: '2/1h' });
    const phone = usNumbers(1)[0] as string;
    const outcomes = [];
    for (let index = 0; index < 3; index += 1)
      outcomes.push(await outcomeOf(await request(app, { phone, trustedUser: true }, server)));
    expect(outcomes).toEqual(['sent', 'sent', 'phone']);
  });

  it('trustedUser from a browser caller is 400 invalid_request naming it, and nothing is sent', async () => {
    const app = guardApp({ API_KEYS: API_KEY });
    const phone = usNumbers(1)[0] as string;
    const response = await request(app, { phone, trustedUser: true });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_request', issues: [{ field: 'trustedUser' }] },
    });
    expect((await sandboxAttempts()).filter((attempt) => attempt.dst === phone.slice(1))).toHaveLength(0);
  });
});

describe('a channel switch is a send', () => {
  const voice = {
    PLIVO_VOICE_SRC: '+14155550122',
    PUBLIC_BASE_URL: relayUrl,
    OTP_FALLBACK_DELAY_SECONDS: '0',
  };

  async function requested(app: TestApp, phone: string, headers: Record<string, string> = {}) {
    const sent = await answer(await request(app, { phone }, headers));
    expect(sent.code).toBe('sent');
    return sent.verificationId as string;
  }

  it('meets the Turnstile rule of a request: no token, no call', async () => {
    const app = guardApp({ ...voice, TURNSTILE_SECRET_KEY: PASSES });
    const phone = usNumbers(1)[0] as string;
    const verificationId = await requested(app, phone, {
      'cf-turnstile-response': solvedToken({ hostname: 'localhost', action: 'otp-request' }),
    });
    const bare = await app.post(`/otp/verifications/${verificationId}/channel`, { channel: 'voice' });
    expect((await answer(bare)).code).toBe('captcha_failed');
    const solved = await app.post(`/otp/verifications/${verificationId}/channel`, {
      channel: 'voice',
      turnstileToken: solvedToken({ hostname: 'localhost', action: 'otp-request' }),
    });
    expect((await answer(solved)).code).toBe('sent');
  });

  it('is charged to the network that requested the verification, not to whoever switches', async () => {
    const app = guardApp({ ...voice, RATE_LIMIT_SEND_PER_IP: '1/1h' });
    const phone = usNumbers(1)[0] as string;
    const verificationId = await requested(app, phone, { 'cf-connecting-ip': '203.0.113.91' });
    // Another address switches: the requester's one send an hour is spent, so the call is refused.
    const switched = await app.post(
      `/otp/verifications/${verificationId}/channel`,
      { channel: 'voice' },
      { 'cf-connecting-ip': '203.0.113.92' },
    );
    expect(await answer(switched)).toMatchObject({ status: 429, code: 'rate_limited', scope: 'ip' });
  });

  it('re-checks the allowlist: a country removed since the request gets no switch', async () => {
    const before = guardApp({ ...voice, ALLOWED_COUNTRIES: 'US,FR' });
    const phone = frenchMobile();
    const verificationId = await requested(before, phone);
    const after = guardApp({
      ...voice,
      ALLOWED_COUNTRIES: 'US',
      KEY_PREFIX: before.env.KEY_PREFIX as string,
    });
    const switched = await after.post(`/otp/verifications/${verificationId}/channel`, { channel: 'voice' });
    expect(await answer(switched)).toMatchObject({ status: 403, code: 'country_not_allowed' });
  });
});

describe('refused sends fill no budget', () => {
  it('a resend Plivo refuses (4xx) gives back its country count', async () => {
    const app = guardApp();
    const phone = usNumbers(1)[0] as string;
    expect(await outcomeOf(await request(app, { phone }))).toBe('sent');
    expect(await guardField(app, 'c:s')).toBe(1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await injectSmsFault({ status: 400 });
      expect(await outcomeOf(await request(app, { phone }))).toBe('sms_failed');
    }
    expect(await guardField(app, 'c:s')).toBe(1);
  });
});
