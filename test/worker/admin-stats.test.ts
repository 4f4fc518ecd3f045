import { describe, expect, it } from 'vitest';
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';
import { classifyNumberKind } from '../../src/phone/number-kind.ts';
import { parsePhone } from '../../src/phone/parse-phone.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { callbacksFor, type RelayedCallback, relayUrl, replay } from './support/callbacks.ts';
import {
  clearSmsFaults,
  countRoundTrips,
  injectSmsFault,
  latestCode,
  redis,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';

const API_KEY = 'stats-test-api-key-0123456789';
const ADMIN_KEY = 'stats-test-admin-key-01234567';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const DAY_MS = 86_400_000;

// One clock per file: every counter lands in the same UTC hour even if the run crosses hh:00.
const NOW = Date.now();

function statsApp(overrides: Record<string, string> = {}): TestApp {
  return testApp(
    { PUBLIC_BASE_URL: relayUrl, API_KEYS: API_KEY, ADMIN_API_KEYS: ADMIN_KEY, ...overrides },
    { clock: { nowMs: () => NOW } },
  );
}

let frenchCounter = 0;
/**
 * A valid, unique French mobile number (+33 6 ...). Not every +33 6 range is allocated, so a
 * candidate the service itself would refuse is skipped rather than failing the test by chance.
 */
function frenchMobile(): string {
  for (;;) {
    frenchCounter += 1;
    const digits = (Date.now() * 13 + frenchCounter * 7919 + Math.floor(Math.random() * 1e6)) % 1e8;
    const candidate = `+336${String(digits).padStart(8, '0')}`;
    const parsed = parsePhone(candidate);
    if (parsed.ok && parsed.country === 'FR' && classifyNumberKind(parsed.e164).kind === 'allowed') {
      return candidate;
    }
  }
}

/** Sends a code; optionally verifies it; replays the sandbox's callbacks into the app. */
async function sendCode(app: TestApp, phone: string, options: { verify?: boolean; callbacks?: number } = {}) {
  const verificationId = await startVerification(app, phone);
  if (options.verify) {
    expect((await app.post('/otp/verify', { verificationId, code: await latestCode(phone) })).status).toBe(
      200,
    );
  }
  if (options.callbacks) {
    const [message] = await sandboxMessages(phone);
    for (const callback of await callbacksFor(message?.uuid ?? '', options.callbacks)) {
      expect((await replay(app, callback as RelayedCallback)).status).toBe(200);
    }
  }
}

interface CellBudget {
  unverified: number;
  verified: number;
  limit: number;
  underPressure: boolean;
}

interface CountryStats {
  country: string;
  refused: Record<string, number>;
  shadow: Record<string, number>;
  challenged: Record<string, number>;
  guard: {
    expected: { declared: number; learned: number; base: number };
    budget: CellBudget;
    overdraft: CellBudget;
    challenged: CellBudget;
    trusted: { sent: number; verified: number };
    worstBlocks: (CellBudget & { block: string })[];
    worstRanges: (CellBudget & { rangeTag: string })[];
  };
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
  verificationRate: number | null;
  deliveryRate: number | null;
  flagged: boolean;
  reason: string | null;
}

interface StatsBody {
  hours: number;
  guardMode: string;
  since: string;
  thresholds: { minSent: number; verifyRate: number };
  countries: CountryStats[];
  totals: Omit<
    CountryStats,
    'country' | 'flagged' | 'reason' | 'refused' | 'shadow' | 'challenged' | 'guard'
  >;
}

async function stats(app: TestApp, query = '?hours=1'): Promise<StatsBody> {
  const response = await app.call(`/admin/stats${query}`, { headers: bearer(ADMIN_KEY) });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as StatsBody;
}

describe('GET /admin/stats', () => {
  it('counts sent, delivered, failed and verified per country for the hour', async () => {
    const app = statsApp();
    await sendCode(app, uniquePhone(), { verify: true, callbacks: 3 });
    await sendCode(app, `${uniquePhone().slice(0, -4)}0000`, { callbacks: 2 });
    await sendCode(app, uniquePhone());
    await sendCode(app, frenchMobile(), { verify: true, callbacks: 3 });

    const body = await stats(app);
    expect(body.hours).toBe(1);
    expect(body.since).toBe(new Date(NOW - (NOW % 3_600_000)).toISOString());
    expect(body.countries).toEqual([
      {
        country: 'US',
        sent: 3,
        delivered: 1,
        failed: 1,
        verified: 1,
        test_sent: 0,
        test_verified: 0,
        verificationRate: 0.3333,
        deliveryRate: 0.3333,
        flagged: false,
        reason: null,
        refused: {},
        shadow: {},
        challenged: {},
        guard: expect.objectContaining({
          // Nothing declared; today's busiest hour so far: this one, 1 verified code. Base 15 stands.
          expected: { declared: 0, learned: 1, base: 15 },
          budget: { unverified: 2, verified: 1, limit: 16, underPressure: false },
          overdraft: { unverified: 0, verified: 0, limit: 10, underPressure: false },
          challenged: { unverified: 0, verified: 0, limit: 150, underPressure: false },
          trusted: { sent: 0, verified: 0 },
        }),
      },
      {
        country: 'FR',
        sent: 1,
        delivered: 1,
        failed: 0,
        verified: 1,
        test_sent: 0,
        test_verified: 0,
        verificationRate: 1,
        deliveryRate: 1,
        flagged: false,
        reason: null,
        refused: {},
        shadow: {},
        challenged: {},
        guard: {
          expected: { declared: 0, learned: 1, base: 15 },
          budget: { unverified: 0, verified: 1, limit: 16, underPressure: false },
          overdraft: { unverified: 0, verified: 0, limit: 10, underPressure: false },
          challenged: { unverified: 0, verified: 0, limit: 150, underPressure: false },
          trusted: { sent: 0, verified: 0 },
          worstBlocks: [],
          worstRanges: [],
        },
      },
    ]);
    expect(body.totals).toEqual({
      sent: 4,
      delivered: 2,
      failed: 1,
      verified: 2,
      test_sent: 0,
      test_verified: 0,
      verificationRate: 0.5,
      deliveryRate: 0.5,
    });
  });

  it('flags a country sent at least PUMPING_MIN_SENT codes that verifies under the threshold, and not a healthy one', async () => {
    const app = statsApp({ PUMPING_MIN_SENT: '3', RATE_LIMIT_SEND_PER_IP: '50/1h' });
    // Pumped: four French numbers, nobody types a code in.
    for (let index = 0; index < 4; index += 1) await sendCode(app, frenchMobile());
    // Healthy: three US numbers, all verified.
    for (let index = 0; index < 3; index += 1) await sendCode(app, uniquePhone(), { verify: true });
    // Too few to judge: one Canadian number, not verified.
    await sendCode(app, '+16045550199'.replace('555', String(200 + Math.floor(Math.random() * 700))));

    const body = await stats(app);
    expect(body.thresholds).toEqual({ minSent: 3, verifyRate: 0.2 });
    const byCountry = Object.fromEntries(body.countries.map((entry) => [entry.country, entry]));
    expect(byCountry.FR).toMatchObject({ sent: 4, verified: 0, verificationRate: 0, flagged: true });
    expect(byCountry.FR?.reason).toMatch(/0 % of 4 codes sent were verified, below the 20 % threshold/);
    expect(byCountry.US).toMatchObject({
      sent: 3,
      verified: 3,
      verificationRate: 1,
      flagged: false,
      reason: null,
    });
    expect(byCountry.CA).toMatchObject({ sent: 1, verified: 0, flagged: false, reason: null });
  });

  it('an SMS Plivo refused is not counted as sent', async () => {
    const app = statsApp();
    await injectSmsFault({ status: 400, count: 1 });
    try {
      expect((await app.post('/otp/request', { phone: uniquePhone() })).status).toBe(502);
    } finally {
      await clearSmsFaults();
    }
    await sendCode(app, uniquePhone());
    expect((await stats(app)).totals.sent).toBe(1);
    // The counter went up and back down inside the hour's hash; it was never left negative or orphaned.
    expect(await redis(['HGET', `${app.env.KEY_PREFIX as string}stats:${hourBucket(NOW)}`, 'US:sent'])).toBe(
      '1',
    );
  });

  it('sums every hour of the window and ignores older ones', async () => {
    const HOUR = 3_600_000;
    const app = statsApp();
    const prefix = app.env.KEY_PREFIX as string;
    await redis(['HSET', `${prefix}stats:${hourBucket(NOW - 5 * HOUR)}`, 'DE:sent', 7, 'DE:verified', 5]);
    await redis(['HSET', `${prefix}stats:${hourBucket(NOW - 30 * HOUR)}`, 'DE:sent', 100]);

    expect((await stats(app, '?hours=1')).countries).toEqual([]);
    expect((await stats(app, '')).countries).toMatchObject([{ country: 'DE', sent: 7, verified: 5 }]);
    expect((await stats(app, '?hours=168')).countries).toMatchObject([
      { country: 'DE', sent: 107, verified: 5 },
    ]);
  });

  it('reads a whole week in one store round trip, and the guard cells of its countries in one more', async () => {
    const app = statsApp();
    const empty = await countRoundTrips(() =>
      app.call('/admin/stats?hours=168', { headers: bearer(ADMIN_KEY) }),
    );
    expect(empty.result.status).toBe(200);
    expect(empty.roundTrips).toBe(1);
    await sendCode(app, uniquePhone());
    await sendCode(app, frenchMobile());
    const two = await countRoundTrips(() =>
      app.call('/admin/stats?hours=168', { headers: bearer(ADMIN_KEY) }),
    );
    expect(((await two.result.json()) as StatsBody).countries).toHaveLength(2);
    expect(two.roundTrips).toBe(2);
  });

  it('shows refusals by scope, the budget of each country now at its effective base, and its worst blocks and ranges', async () => {
    // A country base of 2: the range's own two codes put the country under pressure, so the range's
    // budget (base 2) decides the rest. With the default 15 the country would admit all seven.
    const app = statsApp({ FRAUD_GUARD_COUNTRY_BASE: '2' });
    const range = `+1415${200 + Math.floor(Math.random() * 700)}${1 + Math.floor(Math.random() * 9)}`;
    const statuses = [];
    for (let index = 0; index < 7; index += 1) {
      const response = await app.post(
        '/otp/request',
        { phone: `${range}${String(index * 101 + 2).padStart(3, '0')}` },
        { 'cf-connecting-ip': `192.0.2.${index + 1}` },
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429]);

    const body = await stats(app);
    expect(body.guardMode).toBe('enforce');
    const us = body.countries.find((entry) => entry.country === 'US');
    expect(us).toMatchObject({ sent: 2, refused: { range: 5 }, shadow: {}, challenged: {} });
    expect(us?.guard.expected).toEqual({ declared: 0, learned: 0, base: 2 });
    expect(us?.guard.budget).toEqual({ unverified: 2, verified: 0, limit: 2, underPressure: true });
    expect(us?.guard.worstBlocks).toEqual([
      { block: range.slice(0, -3), unverified: 2, verified: 0, limit: 5, underPressure: false },
    ]);
    expect(us?.guard.worstRanges).toEqual([
      {
        rangeTag: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        unverified: 2,
        verified: 0,
        limit: 2,
        underPressure: true,
      },
    ]);
    // The range itself never appears in clear.
    expect(JSON.stringify(body)).not.toContain(range);
  });

  it('shows what the guard expects of each country: declared, learned over the last 7 days, and the base the larger buys, which the budget uses', async () => {
    const app = statsApp({ FRAUD_GUARD_EXPECTED: 'US:100' });
    const prefix = app.env.KEY_PREFIX as string;
    const today = Math.floor(NOW / DAY_MS);
    // France declared nothing. Its busiest hour 3 days ago (120 verified codes) is learned; the one
    // 9 days ago (1000) is older than the days the guard reads.
    await redis(['HSET', `${prefix}guard-peak:FR`, String(today - 3), 120, String(today - 9), 1000]);
    await sendCode(app, uniquePhone());
    await sendCode(app, frenchMobile(), { verify: true });
    // A verified code raises today's peak to this hour's verified count.
    expect(await redis(['HGET', `${prefix}guard-peak:FR`, String(today)])).toBe('1');
    expect(await redis(['EXISTS', `${prefix}guard-peak:US`])).toBe(0);

    const byCountry = Object.fromEntries((await stats(app)).countries.map((entry) => [entry.country, entry]));
    // US: max(15, ceil(100 / 4)) = 25; nothing verified, so nothing learned.
    expect(byCountry.US?.guard.expected).toEqual({ declared: 100, learned: 0, base: 25 });
    expect(byCountry.US?.guard.budget).toEqual({
      unverified: 1,
      verified: 0,
      limit: 25,
      underPressure: false,
    });
    // FR: max(15, ceil(120 / 4)) = 30, plus 1 for its verified code.
    expect(byCountry.FR?.guard.expected).toEqual({ declared: 0, learned: 120, base: 30 });
    expect(byCountry.FR?.guard.budget).toEqual({
      unverified: 0,
      verified: 1,
      limit: 31,
      underPressure: false,
    });
  });

  it('counts guard refusals answered with a challenge apart from refusals, by scope, and shows the challenged cell', async () => {
    const app = statsApp({
      FRAUD_GUARD_COUNTRY_BASE: '2',
      TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
      TURNSTILE_SITE_KEY: '0x4AAAAAAAstats-site-key',
      TURNSTILE_MODE: 'pressure',
    });
    const range = `+1415${200 + Math.floor(Math.random() * 700)}${1 + Math.floor(Math.random() * 9)}`;
    let ip = 0;
    const ask = (index: number, turnstileToken?: string) => {
      ip += 1;
      const phone = `${range}${String(index).padStart(3, '0')}`;
      return app.post('/otp/request', { phone, turnstileToken }, { 'cf-connecting-ip': `192.0.2.${ip}` });
    };
    const plain = [];
    for (const index of [102, 203, 304, 405, 506]) {
      const response = await ask(index);
      const body = (await response.json()) as { error?: { code: string } };
      plain.push(`${response.status} ${body.error?.code ?? 'sent'}`);
    }
    // Country base 2: from the third on, the range would refuse; each is answered with a challenge.
    expect(plain).toEqual(['200 sent', '200 sent', ...Array(3).fill('403 challenge_required')]);
    // Two retried with a solved challenge are sent from the challenged cell; one is verified.
    const token = () => solvedToken({ hostname: 'localhost', action: 'otp-request' });
    const solved = await ask(304, token());
    expect(solved.status).toBe(200);
    const { verificationId } = (await solved.json()) as { verificationId: string };
    const code = await latestCode(`${range}304`);
    expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
    expect((await ask(405, token())).status).toBe(200);

    const us = (await stats(app)).countries.find((entry) => entry.country === 'US');
    expect(us).toMatchObject({ sent: 4, verified: 1, refused: {}, challenged: { range: 3 } });
    expect(us?.guard.challenged).toEqual({ unverified: 1, verified: 1, limit: 151, underPressure: false });
    // The plain cells hold the plain sends only; the learned peak (1) buys no more than base 2.
    expect(us?.guard.budget).toEqual({ unverified: 2, verified: 0, limit: 2, underPressure: true });
    expect(us?.guard.expected).toEqual({ declared: 0, learned: 1, base: 2 });
    expect(us?.guard.trusted).toEqual({ sent: 0, verified: 0 });
  });

  it('is 401 without a valid key and 403 with a key that is not an admin key, and reads nothing', async () => {
    const app = statsApp();
    for (const headers of [{}, bearer('stats-test-unknown-key-000000')]) {
      const { result, roundTrips } = await countRoundTrips(() => app.call('/admin/stats', { headers }));
      expect(result.status).toBe(401);
      expect(await result.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect(roundTrips).toBe(0);
    }
    const { result, roundTrips } = await countRoundTrips(() =>
      app.call('/admin/stats', { headers: bearer(API_KEY) }),
    );
    expect(result.status).toBe(403);
    expect(await result.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(roundTrips).toBe(0);
  });

  it('refuses hours outside 1..168 with invalid_request', async () => {
    const app = statsApp();
    for (const hours of ['0', '169', '1.5', 'abc', '-1']) {
      const response = await app.call(`/admin/stats?hours=${hours}`, { headers: bearer(ADMIN_KEY) });
      expect(response.status, hours).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('is listed in /openapi.json with the delivery webhook', async () => {
    const document = (await (await testApp().call('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string }[]; requestBody?: { content: object } }>
      >;
    };
    expect(document.paths['/admin/stats']?.get?.parameters?.map((parameter) => parameter.name)).toEqual([
      'hours',
    ]);
    expect(Object.keys(document.paths['/webhooks/plivo/status']?.post?.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
    ]);
  });
});
