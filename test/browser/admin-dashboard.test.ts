import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { launchChromium } from './support/chromium.ts';
import { watchCspViolations } from './support/csp-violations.ts';
import { type DevStack, latestSmsCode, startDevStack } from './support/dev-stack.ts';
import { uniqueUsNumber, watchPage } from './support/page-watch.ts';
import { expectRoutesPanel, panelRows, type Routing } from './support/routes-panel.ts';
import { failedOverUsers, plivoOutage, requestCode, settled } from './support/routing-traffic.ts';

const SCREENSHOT = 'test/artifacts/admin-dashboard.png';
const ADMIN_KEY = 'dashboard-browser-admin-key-0123';
const KEY_PREFIX = 'dash:';
const HOUR_MS = 3_600_000;
const BREAKER_WINDOW_SECONDS = 5;

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  [browser, stack] = await Promise.all([
    launchChromium(),
    startDevStack(
      {
        APP_NAME: 'Acme Sign-in',
        ADMIN_PAGE: 'on',
        KEY_PREFIX,
        FRAUD_GUARD_EXPECTED: 'US:20',
        // Two: a failover after a failed report is a send to the number too.
        RATE_LIMIT_SEND_PER_PHONE: '2/1h',
        RATE_LIMIT_SEND_PER_IP: '1000/1h',
        RATE_LIMIT_SEND_PER_PREFIX: '1000/1h',
        OTP_RESEND_COOLDOWN_SECONDS: '0',
        // Two providers, and a breaker that opens after three errors and stays open through the test.
        SMS_ROUTES: '*:plivo,twilio',
        BREAKER_MIN_REQUESTS: '3',
        BREAKER_WINDOW_SECONDS: String(BREAKER_WINDOW_SECONDS),
        BREAKER_PAUSE_SECONDS: '900',
      },
      { ADMIN_API_KEYS: ADMIN_KEY },
      // Delivery reports reach the Worker (a failed one fails over); Twilio is the route's second.
      { publicBaseUrl: true, twilio: true },
    ),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** HINCRBYs on the hourly stats hashes through the REST server, in the very format the scripts write. */
async function writeCounters(
  hoursAgo: number,
  fields: Record<string, number>,
  hash: 'stats' | 'route-stats' = 'stats',
): Promise<void> {
  const key = `${KEY_PREFIX}${hash}:${hourBucket(Date.now() - hoursAgo * HOUR_MS)}`;
  const commands = Object.entries(fields).map(([field, count]) => ['HINCRBY', key, field, count]);
  const response = await fetch(`${stack.redisRestUrl}/pipeline`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.redisRestToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(commands),
  });
  expect(response.status).toBe(200);
}

/**
 * A day of history: steady US and Canadian sign-ins (counted for the app `signin` too), a few
 * SMS failing over to calls, then a pumping attack on GB numbers three to five hours ago (many
 * codes, next to none verified, the guard refusing and challenging, the webhook receiver failing
 * some deliveries).
 */
let seededAppSent = 0;

async function seedHistory(): Promise<void> {
  for (let hoursAgo = 23; hoursAgo >= 1; hoursAgo -= 1) {
    const us = 20 + ((hoursAgo * 7) % 9);
    seededAppSent += us + 4;
    await writeCounters(hoursAgo, {
      'US:sent': us,
      'US:delivered': us - 2,
      'US:failed': 1,
      'US:verified': us - 5,
      'US:via:sms': us - 1,
      'US:via:voice': 1,
      'US:fallback:voice': 1,
      'CA:sent': 4,
      'CA:delivered': 4,
      'CA:verified': 3,
      'CA:via:sms': 4,
      // As a deployment with apps also counts them (all countries together): one app, `signin`.
      '@signin:sent': us + 4,
      '@signin:verified': us - 2,
    });
  }
  for (const [hoursAgo, pumped] of [
    [5, 40],
    [4, 90],
    [3, 25],
  ] as const) {
    await writeCounters(hoursAgo, {
      'GB:sent': pumped,
      'GB:delivered': Math.floor(pumped / 3),
      'GB:failed': Math.floor(pumped / 2),
      'GB:verified': 1,
      'GB:via:sms': pumped,
      'GB:refused:range': pumped * 2,
      'GB:refused:country': pumped,
      'GB:challenged:country': Math.floor(pumped / 4),
      // The backend's webhook receiver struggling meanwhile (the events consumer's counters).
      'webhooks:delivered': pumped,
      'webhooks:failed': Math.floor(pumped / 10),
      'webhooks:dead': hoursAgo === 4 ? 2 : 0,
    });
  }
  // Routing ten hours ago (src/adapters/upstash/stats-reader.ts's fields): outside a 6-hour window.
  await writeCounters(
    10,
    {
      'US:sms:twilio:sent': 30,
      'US:sms:twilio:delivered': 28,
      'US:sms:twilio:verified': 24,
      'US:failover': 2,
    },
    'route-stats',
  );
}

/** Through the real API, this hour: real users who verify, and a burst of codes nobody enters. */
async function liveTraffic(): Promise<void> {
  const request = (phone: string) => requestCode(stack, phone);
  for (let user = 0; user < 3; user += 1) {
    const { e164 } = uniqueUsNumber();
    const sent = (await (await request(e164)).json()) as { verificationId: string };
    const verified = await fetch(`${stack.workerUrl}/otp/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        verificationId: sent.verificationId,
        code: await latestSmsCode(stack.sandboxUrl, e164),
      }),
    });
    expect(verified.status).toBe(200);
    // A third request within the hour: refused by the per-number limit (scope phone).
    expect((await request(e164)).status).toBe(200);
    expect((await request(e164)).status).toBe(429);
  }
  // Unverified codes to numbers of one San Francisco exchange: the guard's cells fill, then refuse.
  const exchange = 200 + randomInt(300);
  const lines = new Set<number>();
  while (lines.size < 40) lines.add(1000 + randomInt(9000));
  const answers = [];
  for (const line of lines) answers.push((await request(`+1415${exchange}${line}`)).status);
  expect(answers.filter((status) => status === 429).length).toBeGreaterThan(0);
  // Both providers: German SMS lost by Plivo fail over to Twilio; Plivo failing French sends opens its breaker.
  await failedOverUsers(stack, 3);
  await plivoOutage(stack, 3, BREAKER_WINDOW_SECONDS);
}

interface ChartTable {
  hours: string[];
  series: Record<string, (number | null)[]>;
}

/** What a chart's data table lists: its hours and each plotted series, as numbers. */
function chartTable(page: Page, chart: string): Promise<ChartTable> {
  return page.evaluate((name) => {
    const table = document.querySelector(`table[data-chart="${name}"]`);
    const result: ChartTable = { hours: [], series: {} };
    for (const row of table?.querySelectorAll('tbody tr') ?? []) {
      result.hours.push((row as HTMLElement).dataset.hour ?? '');
      for (const cell of row.querySelectorAll('td')) {
        const { series = '', value = '' } = (cell as HTMLElement).dataset;
        result.series[series] ??= [];
        result.series[series].push(value === '' ? null : Number(value));
      }
    }
    return result;
  }, chart);
}

type Counts = Record<string, number>;
interface Stats {
  since: string;
  routing: Routing;
  totals: Counts;
  webhooks: Counts;
  countries: ({
    country: string;
    refused: Counts;
    challenged: Counts;
    guard: { budget: { underPressure: boolean } };
  } & Counts)[];
}

async function adminStats(hours: number): Promise<Stats> {
  const response = await fetch(`${stack.workerUrl}/admin/stats?hours=${hours}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Stats;
}

const sumLast = (values: readonly (number | null)[] | undefined, k: number) =>
  (values ?? []).slice(-k).reduce<number>((sum, value) => sum + (value ?? 0), 0);

const scopeTotal = (stats: Stats, kind: 'refused' | 'challenged', scope: string) =>
  stats.countries.reduce((sum, country) => sum + (country[kind][scope] ?? 0), 0);

describe('operator dashboard (/admin)', () => {
  it('charts a seeded day with an attack: every plotted number is what /admin/stats reports for the same hours, under its CSP, this origin only', async () => {
    await seedHistory();
    await liveTraffic();
    // Delivery reports (and the failovers they start) land after the responses: wait for the last.
    await settled(() => adminStats(1));

    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    const apiRequests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/stats')) apiRequests.push(request);
    });
    await page.goto(`${stack.workerUrl}/admin`);
    expect(await page.title()).toBe('Acme Sign-in operator dashboard');
    await page.fill('#admin-key', ADMIN_KEY);
    await page.click('button[type="submit"]');
    await page.locator('body[data-dashboard="ready"]').waitFor();

    // Every chart drew (uPlot's canvas) and lists its numbers.
    for (const chart of ['traffic', 'refusals', 'channels', 'webhooks']) {
      expect(await page.locator(`#chart-${chart} .chart canvas`).count(), chart).toBeGreaterThan(0);
    }
    const traffic = await chartTable(page, 'traffic');
    const refusals = await chartTable(page, 'refusals');
    const channels = await chartTable(page, 'channels');
    const webhooks = await chartTable(page, 'webhooks');
    expect(traffic.hours).toHaveLength(24);

    // The same hours, from /admin/stats: the last k hours of each chart sum to its report for k hours.
    for (let k = 1; k <= 24; k += 1) {
      const stats = await adminStats(k);
      expect(stats.since, `hours=${k}`).toBe(traffic.hours.at(-k));
      for (const metric of ['sent', 'delivered', 'failed', 'verified']) {
        expect(sumLast(traffic.series[metric], k), `${metric} over ${k} h`).toBe(stats.totals[metric]);
      }
      for (const scope of ['range', 'country', 'phone']) {
        expect(sumLast(refusals.series[`refused ${scope}`], k), `refused ${scope} over ${k} h`).toBe(
          scopeTotal(stats, 'refused', scope),
        );
      }
      expect(sumLast(refusals.series['challenged country'], k)).toBe(
        scopeTotal(stats, 'challenged', 'country'),
      );
      for (const outcome of ['delivered', 'failed', 'dead']) {
        expect(sumLast(webhooks.series[outcome], k), `webhooks ${outcome} over ${k} h`).toBe(
          stats.webhooks[outcome],
        );
      }
    }
    // Each hour's conversion is its verified over its sent.
    traffic.hours.forEach((_hour, index) => {
      const sent = traffic.series.sent?.[index] ?? 0;
      const verified = traffic.series.verified?.[index] ?? 0;
      expect(traffic.series.conversion?.[index]).toBe(
        sent > 0 ? Math.round((verified / sent) * 10_000) / 10_000 : null,
      );
    });
    // The attack is visible: GB's hours refused, and the pumped hour converts at next to nothing.
    expect(refusals.series['refused range']?.at(-5)).toBe(180);
    expect(channels.series['fallback to voice']?.slice(0, 23).every((count) => count === 1)).toBe(true);
    expect(channels.series['via sms']?.at(-1)).toBe(traffic.series.sent?.at(-1));

    // One country: the charts follow the filter and still match /admin/stats.
    await page.selectOption('#admin-country', 'GB');
    const gb = await chartTable(page, 'traffic');
    const gbStats = (await adminStats(24)).countries.find((entry) => entry.country === 'GB');
    expect(sumLast(gb.series.sent, 24)).toBe(gbStats?.sent);
    expect(sumLast(gb.series.verified, 24)).toBe(gbStats?.verified);
    await page.selectOption('#admin-country', '');
    // Redrawn in place: one chart and one table per panel, however often the filter changed.
    for (const chart of ['traffic', 'refusals', 'channels']) {
      expect(await page.locator(`#chart-${chart} .chart`).count(), chart).toBe(1);
      expect(await page.locator(`table[data-chart="${chart}"]`).count(), chart).toBe(1);
    }

    // One app: its own rows, all countries together, without delivery reports (counted per country only).
    expect(await page.locator('#admin-app-field').isVisible()).toBe(true);
    await page.selectOption('#admin-app', 'signin');
    const signin = await chartTable(page, 'traffic');
    expect(Object.keys(signin.series)).toEqual(['sent', 'verified', 'conversion']);
    expect(sumLast(signin.series.sent, 24)).toBe(seededAppSent);
    expect(await page.locator('#admin-country').isDisabled()).toBe(true);
    await page.selectOption('#admin-app', '');

    // The guard now: the US cells the burst filled, the declared and learned volumes.
    const usGuard = page.locator('table[data-table="guard"] tr[data-country="US"]');
    expect(await usGuard.locator('td[data-column="declared /h"]').textContent()).toBe('20');
    expect(await usGuard.locator('td[data-column="country cell"]').textContent()).toMatch(/^\d+ \/ \d+/);
    expect(await usGuard.locator('td[data-column="under pressure"]').textContent()).toMatch(
      /^(block|range) /,
    );
    expect(await usGuard.getAttribute('class')).toBe('alert');
    expect(webhooks.series.dead?.at(-5)).toBe(2);

    // Providers and routes: the panel lists /admin/stats' routing for the same 24 hours.
    const routing = (await adminStats(24)).routing;
    await expectRoutesPanel(page, routing);
    // What the traffic did: the three German codes Plivo lost failed over and verified through
    // Twilio; Plivo's 500s opened its breaker, shaded.
    const routes = await panelRows(page, 'routes', 'route');
    expect(routes['DE:sms:twilio']).toMatchObject({ sent: '3', verified: '3', conversion: '100 %' });
    expect(routes['DE:sms:plivo']).toMatchObject({ sent: '3', failed: '3', verified: '0' });
    expect((await panelRows(page, 'failovers', 'country')).DE?.failovers).toBe('3');
    expect((await panelRows(page, 'breakers', 'provider')).plivo).toMatchObject({
      state: 'open',
      className: 'alert',
    });

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Six hours: the routing seeded ten hours ago drops out of the panel as out of /admin/stats.
    await page.selectOption('#admin-hours', '6');
    await page
      .locator('body[data-dashboard="ready"] #admin-status:has-text("The last 6 hours, read")')
      .waitFor();
    const sixHours = (await adminStats(6)).routing;
    expect(sixHours.failovers.US).toBeUndefined();
    await expectRoutesPanel(page, sixHours);
    // One country: its own routes and failovers only; the breakers are every provider's.
    await page.selectOption('#admin-country', 'DE');
    expect(Object.keys(await panelRows(page, 'routes', 'route')).every((key) => key.startsWith('DE:'))).toBe(
      true,
    );
    expect(Object.keys(await panelRows(page, 'failovers', 'country'))).toEqual(['DE']);
    expect(Object.keys(await panelRows(page, 'breakers', 'provider'))).toEqual(['plivo', 'twilio']);

    // The key went out as a header to this origin only, never in a URL; nothing left this origin.
    expect(apiRequests.length).toBeGreaterThanOrEqual(2);
    for (const request of apiRequests) {
      expect(request.url()).not.toContain(ADMIN_KEY);
      expect(await request.headerValue('authorization')).toBe(`Bearer ${ADMIN_KEY}`);
    }
    expect(page.url()).toBe(`${stack.workerUrl}/admin`);
    expect(seen.foreignRequests).toEqual([]);
    expect(await cspViolations()).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);

    // Kept in memory only: not in the field, not in web storage; a reload asks for it again.
    expect(await page.inputValue('#admin-key')).toBe('');
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([
      0,
      0,
      '',
    ]);
    await page.reload();
    expect(await page.locator('#admin-panels').isHidden()).toBe(true);
    expect(await page.textContent('#admin-status')).toMatch(/^Type an admin key/);
    await page.close();
  });

  it('says why when the key is wrong, and shows no data', async () => {
    const page = await browser.newPage();
    const cspViolations = await watchCspViolations(page);
    await page.goto(`${stack.workerUrl}/admin`);
    await page.fill('#admin-key', 'not-an-admin-key-0123456789');
    await page.click('button[type="submit"]');
    await page.locator('body[data-dashboard="failed"]').waitFor();
    expect(await page.textContent('#admin-status')).toMatch(/401/);
    expect(await page.locator('#admin-panels').isHidden()).toBe(true);
    expect(await cspViolations()).toEqual([]);
    await page.close();
  });
});
