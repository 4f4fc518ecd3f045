import { beforeAll, describe, expect, it } from 'vitest';
import { callbacksFor, relayUrl, replay } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import {
  injectRegionFault,
  keysByRegion,
  regionSettings,
  restoreRegion,
  roundTripsByRegion,
  takeRegionDown,
} from './support/regions.ts';
import {
  latestCode,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  uniqueMobile,
  uniquePhone,
} from './support/stack.ts';
import { answerRequestOf, callTo, digitsOf, spoken } from './support/voice-calls.ts';

/**
 * Regional stores (docs/regions.md) on three real REST servers, each in front of its own
 * redis-server: the default region (UPSTASH_REDIS_REST_URL, the US here), `eu` (GB, DE, FR) and
 * `ap` (AU, NZ, JP). What a verification touches lives in one region, its id leads straight back
 * there, and a region that is down costs only its own countries.
 */

const british = () => uniqueMobile('+447', 9, 'GB');
const australian = () => uniqueMobile('+614', 8, 'AU');
const ADMIN_KEY = 'regions-test-admin-key-0123456';

function regionalApp(overrides: Record<string, string> = {}): TestApp {
  return testApp({ ...regionSettings(), ...overrides });
}

async function verify(app: TestApp, verificationId: string, phone: string): Promise<Response> {
  return app.post('/otp/verify', { verificationId, code: await latestCode(phone) });
}

// Each region's redis-server learns a script on its first EVALSHA (NOSCRIPT, then EVAL: two
// requests once). Every script runs once in every region before anything is counted.
beforeAll(async () => {
  const app = regionalApp({ PUBLIC_BASE_URL: relayUrl });
  for (const phone of [british(), australian(), uniquePhone()]) {
    const verificationId = await startVerification(app, phone);
    await app.call(`/otp/verifications/${verificationId}`);
    await verify(app, verificationId, phone);
    await app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' });
    const [message] = await sandboxMessages(phone);
    const [first] = await callbacksFor(message?.uuid ?? '', 1);
    if (first) await replay(app, first);
  }
});

describe('the regions’ settings', () => {
  it('a token missing or a country in an unknown region: 503 misconfigured, the log names both and no token', async () => {
    const app = testApp({
      ...regionSettings('eu:GB;mars:FR'),
      STORE_REGION_TOKENS: 'eu=region-token-that-must-not-leak',
    });
    const { result, lines } = await captureLogs(() => app.post('/otp/request', { phone: british() }));
    expect(result.status).toBe(503);
    expect(await result.json()).toMatchObject({ error: { code: 'misconfigured' } });
    const log = lines.join('\n');
    expect(log).toContain('STORE_REGION_TOKENS: no token for region ap');
    expect(log).toContain('STORE_REGION_COUNTRIES: region mars is not in STORE_REGIONS');
    expect(log).not.toContain('region-token-that-must-not-leak');
  });
});

describe('a verification lives in its country’s region', () => {
  for (const [country, phone, region] of [
    ['GB', british, 'eu'],
    ['AU', australian, 'ap'],
    ['US (mapped to no region)', uniquePhone, 'default'],
  ] as const) {
    it(`${country}: every key in ${region}, request and verify one round trip there and none elsewhere`, async () => {
      const app = regionalApp();
      const prefix = app.env.KEY_PREFIX as string;
      const number = phone();
      const requested = await roundTripsByRegion(() => app.post('/otp/request', { phone: number }));
      expect(requested.result.status).toBe(200);
      expect(requested.roundTrips).toEqual({ default: 0, eu: 0, ap: 0, [region]: 1 });
      const { verificationId } = (await requested.result.json()) as { verificationId: string };

      const keys = await keysByRegion(prefix);
      expect(keys[region].length).toBeGreaterThan(0);
      for (const other of ['default', 'eu', 'ap'] as const) {
        if (other !== region) expect(keys[other]).toEqual([]);
      }

      const status = await roundTripsByRegion(() => app.call(`/otp/verifications/${verificationId}`));
      expect(status.result.status).toBe(200);
      expect(status.roundTrips).toEqual({ default: 0, eu: 0, ap: 0, [region]: 1 });
      const verified = await roundTripsByRegion(() => verify(app, verificationId, number));
      expect(verified.result.status).toBe(200);
      expect(verified.roundTrips).toEqual({ default: 0, eu: 0, ap: 0, [region]: 1 });
      const cancel = await roundTripsByRegion(() =>
        app.call(`/otp/verifications/${verificationId}`, { method: 'DELETE' }),
      );
      expect(cancel.result.status).toBe(409);
      expect(cancel.roundTrips).toEqual({ default: 0, eu: 0, ap: 0, [region]: 1 });
      // Everything the approval wrote (verified counts, learned volume, guard credit) stayed there too.
      const after = await keysByRegion(prefix);
      for (const other of ['default', 'eu', 'ap'] as const) {
        if (other !== region) expect(after[other]).toEqual([]);
      }
    });
  }

  it('the id, not the country map, says where: a country moved to another region keeps its live verifications', async () => {
    const before = regionalApp();
    const number = british();
    const verificationId = await startVerification(before, number);
    // Same deployment (key prefix, secret), GB now mapped to `ap`.
    const moved = testApp({
      ...regionSettings('ap:GB,AU'),
      KEY_PREFIX: before.env.KEY_PREFIX as string,
    });
    const verified = await roundTripsByRegion(() => verify(moved, verificationId, number));
    expect(verified.result.status).toBe(200);
    expect(verified.roundTrips).toEqual({ default: 0, eu: 1, ap: 0 });
  });

  it('an id issued before any region was configured still verifies, in the default region', async () => {
    const single = testApp();
    const number = british();
    const verificationId = await startVerification(single, number);
    const regional = regionalApp({ KEY_PREFIX: single.env.KEY_PREFIX as string });
    const verified = await roundTripsByRegion(() => verify(regional, verificationId, number));
    expect(verified.result.status).toBe(200);
    expect(verified.roundTrips).toEqual({ default: 1, eu: 0, ap: 0 });
    // A new request for the same number now starts in its region.
    const requested = await roundTripsByRegion(() => regional.post('/otp/request', { phone: number }));
    expect(requested.result.status).toBe(200);
    expect(requested.roundTrips).toEqual({ default: 0, eu: 1, ap: 0 });
  });

  it('an id naming a region this deployment no longer has is not found, asking no store', async () => {
    const app = regionalApp();
    const verificationId = await startVerification(app, australian());
    const withoutAp = testApp({
      STORE_REGIONS: regionSettings().STORE_REGIONS?.split(',')[0] ?? '',
      STORE_REGION_TOKENS: regionSettings().STORE_REGION_TOKENS?.split(',')[0] ?? '',
      STORE_REGION_COUNTRIES: 'eu:GB',
      KEY_PREFIX: app.env.KEY_PREFIX as string,
    });
    const read = await roundTripsByRegion(() => withoutAp.call(`/otp/verifications/${verificationId}`));
    expect(read.result.status).toBe(404);
    expect(read.roundTrips).toEqual({ default: 0, eu: 0, ap: 0 });
  });
});

describe('a channel switch and its call stay in the id’s region', () => {
  it('the switch’s admission, the call’s answer and the verify of the spoken code touch only eu', async () => {
    const app = regionalApp({
      PLIVO_VOICE_SRC: '+14155550122',
      PUBLIC_BASE_URL: relayUrl,
      OTP_FALLBACK_DELAY_SECONDS: '0',
    });
    const phone = british();
    const verificationId = await startVerification(app, phone);
    const switched = await roundTripsByRegion(() =>
      app.post(`/otp/verifications/${verificationId}/channel`, { channel: 'voice' }),
    );
    expect(switched.result.status).toBe(200);
    expect(switched.roundTrips.eu).toBeGreaterThan(0);
    expect({ ...switched.roundTrips, eu: 0 }).toEqual({ default: 0, eu: 0, ap: 0 });
    const answer = await answerRequestOf(await callTo(phone));
    const answered = await roundTripsByRegion(() => replay(app, answer));
    expect({ ...answered.roundTrips, eu: 0 }).toEqual({ default: 0, eu: 0, ap: 0 });
    const code = digitsOf(await spoken(answered.result)).slice(0, 6);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await roundTripsByRegion(() => app.post('/otp/verify', { verificationId, code }));
    expect(verified.result.status).toBe(200);
    expect(verified.roundTrips).toEqual({ default: 0, eu: 1, ap: 0 });
  });
});

describe('a region that is down', () => {
  it('answers 503 for its countries only; every other country and its live verifications keep working', async () => {
    const app = regionalApp();
    const britishBefore = british();
    const britishId = await startVerification(app, britishBefore);
    const australianBefore = australian();
    const australianId = await startVerification(app, australianBefore);

    await takeRegionDown('ap');
    try {
      const refused = await roundTripsByRegion(() => app.post('/otp/request', { phone: australian() }));
      expect(refused.result.status).toBe(503);
      expect(((await refused.result.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      // One try, no retry: the answer comes as fast as the region refuses.
      expect(refused.roundTrips).toEqual({ default: 0, eu: 0, ap: 1 });
      expect((await verify(app, australianId, australianBefore)).status).toBe(503);

      expect((await verify(app, britishId, britishBefore)).status).toBe(200);
      const fresh = uniquePhone();
      const freshId = await startVerification(app, fresh);
      expect((await verify(app, freshId, fresh)).status).toBe(200);
    } finally {
      await restoreRegion('ap');
    }
    // Nothing was lost in the region either: its verification issued before the outage still verifies.
    expect((await verify(app, australianId, australianBefore)).status).toBe(200);
  });
});

describe('stats while a region is down', () => {
  it('/admin/stats and /admin/stats/hourly sum the regions that answer and name the one that did not', async () => {
    const app = regionalApp({ ADMIN_API_KEYS: ADMIN_KEY });
    for (const phone of [british(), australian(), uniquePhone()]) await startVerification(app, phone);
    const read = async (path: string) => {
      const response = await app.call(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const countriesOf = (body: Record<string, unknown>) =>
      (body.countries as { country: string }[]).map(({ country }) => country).sort();
    const hourlyCountriesOf = (body: Record<string, unknown>) =>
      [...new Set((body.rows as { country: string }[]).map(({ country }) => country))].sort();

    await takeRegionDown('ap');
    try {
      const { result: stats, lines } = await captureLogs(() => read('/admin/stats?hours=1'));
      expect(lines.join('\n')).toContain('store regions unavailable: ap');
      expect(stats.status).toBe(200);
      expect(stats.body.unavailableRegions).toEqual(['ap']);
      expect(countriesOf(stats.body)).toEqual(['GB', 'US']);
      const hourly = await read('/admin/stats/hourly?hours=1');
      expect(hourly.status).toBe(200);
      expect(hourly.body.unavailableRegions).toEqual(['ap']);
      expect(hourlyCountriesOf(hourly.body)).toEqual(['GB', 'US']);
    } finally {
      await restoreRegion('ap');
    }
    const back = await read('/admin/stats?hours=1');
    expect(back.body.unavailableRegions).toEqual([]);
    expect(countriesOf(back.body)).toEqual(['AU', 'GB', 'US']);
  });

  it('when no region answers, /admin/stats is a 503 like any store outage', async () => {
    // This app's default database is a closed port; eu and ap are taken down.
    const app = regionalApp({ ADMIN_API_KEYS: ADMIN_KEY, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9' });
    await takeRegionDown('eu');
    await takeRegionDown('ap');
    try {
      for (const path of ['/admin/stats?hours=1', '/admin/stats/hourly?hours=1']) {
        const response = await app.call(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        expect(response.status, path).toBe(503);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      }
    } finally {
      await restoreRegion('eu');
      await restoreRegion('ap');
    }
  });
});

describe('a region that hangs', () => {
  it('its countries answer 503 once STORE_TIMEOUT_MS passes; another region’s users do not wait on it', async () => {
    const app = regionalApp({ STORE_TIMEOUT_MS: '200' });
    const britishPhone = british();
    const britishId = await startVerification(app, britishPhone);
    // Every request to ap now waits 1.5 s, far past the Worker's 200 ms store timeout.
    await injectRegionFault('ap', { delayMs: 1500, count: 1000 });
    try {
      const [hung, verified] = await Promise.all([
        app.post('/otp/request', { phone: australian() }),
        verify(app, britishId, britishPhone),
      ]);
      expect(hung.status).toBe(503);
      expect(verified.status).toBe(200);
    } finally {
      await restoreRegion('ap');
    }
  });
});

describe('delivery reports and stats across regions', () => {
  it('reports find their message in its region, and /admin/stats sums every region', async () => {
    const app = regionalApp({ PUBLIC_BASE_URL: relayUrl, ADMIN_API_KEYS: ADMIN_KEY });
    const phones = { GB: british(), AU: australian(), US: uniquePhone() };
    for (const [country, phone] of Object.entries(phones)) {
      const verificationId = await startVerification(app, phone);
      expect((await verify(app, verificationId, phone)).status).toBe(200);
      const [message] = await sandboxMessages(phone);
      const region = country === 'GB' ? 'eu' : country === 'AU' ? 'ap' : 'default';
      for (const callback of await callbacksFor(message?.uuid ?? '', 3)) {
        const replayed = await roundTripsByRegion(() => replay(app, callback));
        expect(replayed.result.status).toBe(200);
        expect(((await replayed.result.json()) as { status: string }).status).toBe('recorded');
        expect(replayed.roundTrips).toEqual({ default: 0, eu: 0, ap: 0, [region]: 1 });
      }
    }
    const read = await roundTripsByRegion(() =>
      app.call('/admin/stats?hours=1', { headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
    );
    expect(read.result.status).toBe(200);
    // The hours, then the guard cells: two round trips in each region, in parallel.
    expect(read.roundTrips).toEqual({ default: 2, eu: 2, ap: 2 });
    const body = (await read.result.json()) as {
      countries: { country: string; sent: number; delivered: number; verified: number }[];
    };
    const counted = Object.fromEntries(
      body.countries.map(({ country, sent, delivered, verified }) => [
        country,
        { sent, delivered, verified },
      ]),
    );
    expect(counted).toEqual({
      AU: { sent: 1, delivered: 1, verified: 1 },
      GB: { sent: 1, delivered: 1, verified: 1 },
      US: { sent: 1, delivered: 1, verified: 1 },
    });
  });

  it('a country moved to a region: its counts and guard cells in the old region and the new one are summed', async () => {
    // One fixed clock: both sends in the same guard window and hour, even across hh:00.
    const clock = { nowMs: () => 1_800_000_000_000 };
    const single = testApp({ ADMIN_API_KEYS: ADMIN_KEY }, { clock });
    await startVerification(single, british());
    const regional = testApp(
      { ...regionSettings(), ADMIN_API_KEYS: ADMIN_KEY, KEY_PREFIX: single.env.KEY_PREFIX as string },
      { clock },
    );
    await startVerification(regional, british());
    const response = await regional.call('/admin/stats?hours=1', {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const body = (await response.json()) as {
      countries: { country: string; sent: number; guard: { budget: { unverified: number } } }[];
    };
    const gb = body.countries.find((entry) => entry.country === 'GB');
    expect(gb?.sent).toBe(2);
    expect(gb?.guard.budget.unverified).toBe(2);
  });

  it('a report of a message sent before its country got a region is still counted, in the default region', async () => {
    const single = testApp({ PUBLIC_BASE_URL: relayUrl });
    const phone = british();
    await startVerification(single, phone);
    const regional = regionalApp({ PUBLIC_BASE_URL: relayUrl, KEY_PREFIX: single.env.KEY_PREFIX as string });
    const [message] = await sandboxMessages(phone);
    const [first] = await callbacksFor(message?.uuid ?? '', 1);
    if (!first) throw new Error('no callback');
    const replayed = await roundTripsByRegion(() => replay(regional, first));
    expect(((await replayed.result.json()) as { status: string }).status).toBe('recorded');
    // Its country's region first (it does not know the message), then the default one, which does.
    expect(replayed.roundTrips).toEqual({ default: 1, eu: 1, ap: 0 });
  });
});
