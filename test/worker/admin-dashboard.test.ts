import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN_ASSETS } from '../../src/pages/admin/admin-page.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { callbacksFor, fieldsOf, relayUrl, replay } from './support/callbacks.ts';
import { failingSmsNumber } from './support/numbers.ts';
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

const API_KEY = 'dashboard-test-api-key-0123456';
const ADMIN_KEY = 'dashboard-test-admin-key-01234';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const HOUR_MS = 3_600_000;
const PRODUCTION = { ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US,CA' };
const assets = (env as unknown as { ASSETS: Fetcher }).ASSETS;

interface Clocked extends TestApp {
  now: number;
}

function clockedApp(overrides: Record<string, string> = {}): Clocked {
  const clocked = { now: Date.now() };
  const app = testApp(
    { API_KEYS: API_KEY, ADMIN_API_KEYS: ADMIN_KEY, ...overrides },
    { clock: { nowMs: () => clocked.now } },
  );
  return Object.assign(clocked, app);
}

type Counts = Record<string, number>;
interface HourlyRow {
  hour: string;
  country: string;
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
  verificationRate: number | null;
  refused: Counts;
  challenged: Counts;
  shadow: Counts;
  channels: Counts;
  switched: Counts;
  fallbacks: Counts;
}
interface Hourly {
  hours: number;
  since: string;
  hourStarts: string[];
  rows: HourlyRow[];
  appRows: (Omit<HourlyRow, 'country'> & { app: string })[];
}
interface Summary {
  since: string;
  countries: ({ country: string; refused: Counts } & Record<
    'sent' | 'delivered' | 'failed' | 'verified',
    number
  >)[];
}

async function adminJson<T>(app: TestApp, path: string): Promise<T> {
  const response = await app.call(path, { headers: bearer(ADMIN_KEY) });
  expect(response.status, path).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as T;
}

function cspOf(response: Response): Map<string, string[]> {
  return new Map(
    (response.headers.get('content-security-policy') ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts): parts is [string, ...string[]] => parts[0] !== undefined && parts[0] !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('operator dashboard page (GET /admin)', () => {
  it('is a 404 unless ADMIN_PAGE is on: by default, in production, and when off', async () => {
    const turnedOff: Record<string, string>[] = [
      {},
      PRODUCTION,
      { ADMIN_PAGE: 'off' },
      { ...PRODUCTION, ADMIN_PAGE: 'off' },
    ];
    for (const overrides of turnedOff) {
      const response = await testApp(overrides).call('/admin');
      expect(response.status, JSON.stringify(overrides)).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(response.headers.get('content-security-policy')).toBeNull();
    }
    expect((await testApp({ ...PRODUCTION, ADMIN_PAGE: 'on' }).call('/admin')).status).toBe(200);
  });

  it('is served under a strict CSP: nothing but this origin, no inline code, its assets static', async () => {
    const response = await testApp({ ADMIN_PAGE: 'on' }).call('/admin');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = cspOf(response);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // No origin but this one anywhere in the policy, no way around it.
    const sources = [...csp.values()].flat();
    expect(sources.filter((source) => !["'self'", "'none'", 'data:'].includes(source))).toEqual([]);

    const page = await response.text();
    const inline = [
      ...page.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>/g),
      ...page.matchAll(/<style\b[^>]*>/g),
      ...page.matchAll(/\son[a-z]+="[^"]*"/g),
      ...page.matchAll(/\sstyle="[^"]*"/g),
      ...page.matchAll(/javascript:/g),
    ].map((match) => match[0]);
    expect(inline).toEqual([]);
    const loaded = [...page.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(loaded.filter((url) => url !== 'data:,')).toEqual([
      ADMIN_ASSETS.uplotStyle,
      ADMIN_ASSETS.style,
      ADMIN_ASSETS.uplot,
      ADMIN_ASSETS.script,
    ]);
    for (const asset of Object.values(ADMIN_ASSETS)) {
      const served = await assets.fetch(new URL(asset, 'https://otp.test'));
      expect(served.status, asset).toBe(200);
      expect((await served.arrayBuffer()).byteLength, asset).toBeGreaterThan(500);
    }
  });

  it("escapes the app's name into the page", async () => {
    const page = await (
      await testApp({ ADMIN_PAGE: 'on', APP_NAME: '<b>"Acme" & Co</b>' }).call('/admin')
    ).text();
    expect(page).not.toContain('<b>');
    expect(page).toContain('&lt;b&gt;&quot;Acme&quot; &amp; Co&lt;/b&gt; operator dashboard');
  });

  it('never needs the admin key in a URL: the page holds none, its field cannot be submitted, the API refuses one in the query', async () => {
    const app = clockedApp({ ADMIN_PAGE: 'on' });
    const page = await (await app.call(`/admin?key=${ADMIN_KEY}`, { headers: bearer(ADMIN_KEY) })).text();
    expect(page).not.toContain(ADMIN_KEY);
    // The key field has no name and the form no action or method: a submit serialises nothing,
    // and form-action 'none' forbids it anyway.
    const keyField = page.match(/<input id="admin-key"[^>]*>/)?.[0] ?? '';
    expect(keyField).toContain('type="password"');
    expect(keyField).not.toMatch(/\sname=/);
    expect(page.match(/<form id="admin-key-form"[^>]*>/)?.[0]).not.toMatch(/\s(?:action|method)=/);
    // A key in the query is not a key: the data needs the Authorization header.
    for (const path of ['/admin/stats', '/admin/stats/hourly']) {
      for (const query of [`?key=${ADMIN_KEY}`, `?access_token=${ADMIN_KEY}`, `?token=${ADMIN_KEY}`]) {
        expect((await app.call(`${path}${query}`)).status, `${path}${query}`).toBe(401);
      }
    }
    // The page's script sends it as a Bearer header, and stores it nowhere.
    const script = await (await assets.fetch(new URL(ADMIN_ASSETS.script, 'https://otp.test'))).text();
    expect(script).toContain('Bearer ');
    expect(script).not.toMatch(/localStorage|sessionStorage|document\.cookie|indexedDB/);
  });
});

describe('GET /admin/stats/hourly', () => {
  it('needs an admin key: 401 without one, 403 with an API key', async () => {
    const app = clockedApp();
    expect((await app.call('/admin/stats/hourly')).status).toBe(401);
    expect((await app.call('/admin/stats/hourly', { headers: bearer(API_KEY) })).status).toBe(403);
    expect((await app.call('/admin/stats/hourly?hours=169', { headers: bearer(ADMIN_KEY) })).status).toBe(
      400,
    );
  });

  it('lists the hours /admin/stats sums, one by one: the last k hours add up to /admin/stats?hours=k, in one round trip', async () => {
    const app = clockedApp({ RATE_LIMIT_SEND_PER_PHONE: '1/1h', OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const start = app.now;
    // Two hours ago: two codes, one verified. An hour ago: one code and its resend, refused by
    // the per-number limit. Now: one code, verified.
    app.now = start - 2 * HOUR_MS;
    const first = uniquePhone();
    const firstId = await startVerification(app, first);
    expect(
      (await app.post('/otp/verify', { verificationId: firstId, code: await latestCode(first) })).status,
    ).toBe(200);
    await startVerification(app, uniquePhone());
    app.now = start - HOUR_MS;
    const limited = uniquePhone();
    await startVerification(app, limited);
    expect((await app.post('/otp/request', { phone: limited })).status).toBe(429);
    app.now = start;
    const last = uniquePhone();
    const lastId = await startVerification(app, last);
    expect(
      (await app.post('/otp/verify', { verificationId: lastId, code: await latestCode(last) })).status,
    ).toBe(200);

    const { result: hourly, roundTrips } = await countRoundTrips(() =>
      adminJson<Hourly>(app, '/admin/stats/hourly?hours=3'),
    );
    expect(roundTrips).toBe(1);
    const hourStart = (ms: number) => new Date(ms - (ms % HOUR_MS)).toISOString();
    expect(hourly.hourStarts).toEqual([
      hourStart(start - 2 * HOUR_MS),
      hourStart(start - HOUR_MS),
      hourStart(start),
    ]);
    expect(hourly.since).toBe(hourStart(start - 2 * HOUR_MS));
    expect(hourly.rows).toEqual([
      expect.objectContaining({
        hour: hourly.hourStarts[0],
        country: 'US',
        sent: 2,
        verified: 1,
        verificationRate: 0.5,
        channels: { sms: 2 },
      }),
      expect.objectContaining({
        hour: hourly.hourStarts[1],
        country: 'US',
        sent: 1,
        verified: 0,
        refused: { phone: 1 },
      }),
      expect.objectContaining({
        hour: hourly.hourStarts[2],
        country: 'US',
        sent: 1,
        verified: 1,
        refused: {},
      }),
    ]);

    for (const k of [1, 2, 3]) {
      const summary = await adminJson<Summary>(app, `/admin/stats?hours=${k}`);
      const rows = hourly.rows.filter((row) => hourly.hourStarts.slice(-k).includes(row.hour));
      const summed = new Map<string, Summary['countries'][number]>();
      for (const row of rows) {
        const line = summed.get(row.country) ?? {
          country: row.country,
          sent: 0,
          delivered: 0,
          failed: 0,
          verified: 0,
          refused: {},
        };
        for (const metric of ['sent', 'delivered', 'failed', 'verified'] as const)
          line[metric] += row[metric];
        for (const [scope, count] of Object.entries(row.refused))
          line.refused[scope] = (line.refused[scope] ?? 0) + count;
        summed.set(row.country, line);
      }
      expect(summary.since).toBe(hourly.hourStarts.at(-k));
      expect(
        summary.countries.map(({ country, sent, delivered, failed, verified, refused }) => ({
          country,
          sent,
          delivered,
          failed,
          verified,
          refused,
        })),
        `hours=${k}`,
      ).toEqual([...summed.values()]);
    }
  });

  it("counts each code's channel, the caller's switches and the service's own fallbacks", async () => {
    const app = clockedApp({
      PLIVO_VOICE_SRC: '+14155550122',
      PUBLIC_BASE_URL: relayUrl,
      OTP_FALLBACK_DELAY_SECONDS: '0',
    });
    // "Call me instead": an SMS, then a call the caller asked for.
    const switchedId = await startVerification(app, uniquePhone());
    expect((await app.post(`/otp/verifications/${switchedId}/channel`, { channel: 'voice' })).status).toBe(
      200,
    );
    // `auto`: an SMS the sandbox reports failed, then the service's own call.
    const failing = failingSmsNumber();
    expect((await app.post('/otp/request', { phone: failing, channel: 'auto' })).status).toBe(200);
    const [sms] = await sandboxMessages(failing);
    const reports = await callbacksFor(sms?.uuid ?? '', 2);
    const failed = reports.find((report) => fieldsOf(report).get('Status') === 'failed');
    expect((await replay(app, failed ?? (reports[0] as never))).status).toBe(200);

    const hourly = await adminJson<Hourly>(app, '/admin/stats/hourly?hours=1');
    expect(hourly.rows).toEqual([
      expect.objectContaining({
        country: 'US',
        sent: 4,
        failed: 1,
        channels: { sms: 2, voice: 2 },
        switched: { voice: 1 },
        fallbacks: { voice: 1 },
      }),
    ]);
  });

  it('a code Plivo refused is taken back from its channel as from sent: the channels add up to sent', async () => {
    const app = clockedApp();
    await injectSmsFault({ status: 400, count: 1 });
    try {
      expect((await app.post('/otp/request', { phone: uniquePhone() })).status).toBe(502);
    } finally {
      await clearSmsFaults();
    }
    await startVerification(app, uniquePhone());
    const hourly = await adminJson<Hourly>(app, '/admin/stats/hourly?hours=1');
    expect(hourly.rows).toEqual([expect.objectContaining({ country: 'US', sent: 1, channels: { sms: 1 } })]);
  });

  it('lists per-app counters (`@{app}:` fields) in rows of their own, apart from the countries, and none without', async () => {
    const app = clockedApp();
    await startVerification(app, uniquePhone());
    expect((await adminJson<Hourly>(app, '/admin/stats/hourly?hours=1')).appRows).toEqual([]);
    // What a deployment with apps writes beside the country's fields, in the same hash.
    const hour = `${app.env.KEY_PREFIX as string}stats:${hourBucket(app.now)}`;
    await redis([
      'HSET',
      hour,
      '@shop:sent',
      1,
      '@shop:via:sms',
      1,
      '@shop:refused:range',
      2,
      '@bank:verified',
      0,
    ]);
    const hourly = await adminJson<Hourly>(app, '/admin/stats/hourly?hours=1');
    expect(hourly.rows).toEqual([expect.objectContaining({ country: 'US', sent: 1, channels: { sms: 1 } })]);
    expect(hourly.appRows).toEqual([
      expect.objectContaining({
        app: 'shop',
        sent: 1,
        verificationRate: 0,
        refused: { range: 2 },
        channels: { sms: 1 },
      }),
      expect.objectContaining({ app: 'bank', sent: 0, verificationRate: null }),
    ]);
  });
});
