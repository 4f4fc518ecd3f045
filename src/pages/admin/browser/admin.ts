/**
 * The operator dashboard's script (served as /assets/admin.js, after uPlot's prebuilt file). The
 * admin key the operator types lives in one variable of this page, nowhere else: not in a URL,
 * a cookie, localStorage or sessionStorage, where any script of this origin could read it later
 * and it would outlive the tab. A reload asks for it again; that is the price, and it is small.
 * It leaves the page only as `Authorization: Bearer` to this origin's /admin/stats endpoints.
 */
import type { HourlyCounts, HourlyStats } from '../../../stats/hour-series.ts';
import { showChart } from './chart-panel.ts';
import {
  channelChart,
  type RowFilter,
  refusalChart,
  rowsFor,
  trafficChart,
  webhookChart,
  webhookHours,
} from './chart-series.ts';
import { guardTable } from './guard-panel.ts';
import { buildPanels } from './panels.ts';
import { routesTables } from './routes-panel.ts';
import type { StatsSummary } from './stats-wire.ts';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the dashboard's HTML has no #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('admin-key-form');
const keyInput = element<HTMLInputElement>('admin-key');
const hoursSelect = element<HTMLSelectElement>('admin-hours');
const countrySelect = element<HTMLSelectElement>('admin-country');
const appSelect = element<HTMLSelectElement>('admin-app');
const appField = element<HTMLElement>('admin-app-field');
const status = element<HTMLElement>('admin-status');
const panels = element<HTMLElement>('admin-panels');
buildPanels(panels);

let adminKey = '';
let loaded: { stats: StatsSummary; hourly: HourlyStats } | undefined;

function say(text: string, tone: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.tone = tone;
}

async function readJson<T>(path: string): Promise<T> {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${adminKey}`, accept: 'application/json' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(`${path}: ${response.status} ${body.error?.message ?? response.statusText}`);
  }
  return (await response.json()) as T;
}

function fillSelect(select: HTMLSelectElement, values: readonly string[]): void {
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const value of values) select.add(new Option(value, value, false, value === chosen));
}

/** An app's sums over the window (delivery reports are per country only: none). */
function appTotals(rows: readonly HourlyCounts[]) {
  const sent = rows.reduce((sum, row) => sum + row.sent, 0);
  const verified = rows.reduce((sum, row) => sum + row.verified, 0);
  return {
    sent,
    delivered: null,
    verified,
    verificationRate: sent > 0 ? Math.round((verified / sent) * 10_000) / 10_000 : null,
  };
}

function render(): void {
  if (!loaded) return;
  const { stats, hourly } = loaded;
  const filter: RowFilter = { country: countrySelect.value, app: appSelect.value };
  const rows = rowsFor(hourly, filter);
  // An app's counts cover every country: the two filters do not combine.
  countrySelect.disabled = filter.app !== '';
  const countries = stats.countries.filter(
    (entry) => filter.country === '' || entry.country === filter.country,
  );

  const totals = element<HTMLElement>('admin-totals');
  const line = filter.app !== '' ? appTotals(rows) : filter.country === '' ? stats.totals : countries[0];
  const facts: [string, string][] = [
    ['since', `${stats.since.slice(0, 16).replace('T', ' ')} UTC`],
    ['sent', String(line?.sent ?? 0)],
    ['delivered', line?.delivered == null ? '–' : String(line.delivered)],
    ['verified', String(line?.verified ?? 0)],
    [
      'conversion',
      line?.verificationRate == null ? '–' : `${Math.round(line.verificationRate * 1000) / 10} %`,
    ],
    [
      'countries flagged',
      stats.countries
        .filter((entry) => entry.flagged)
        .map((entry) => entry.country)
        .join(', ') || 'none',
    ],
    ['guard', stats.guardMode],
  ];
  totals.replaceChildren(
    ...facts.flatMap(([term, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.dataset.total = term;
      return [dt, dd];
    }),
  );

  showChart(
    element('chart-traffic'),
    'traffic',
    trafficChart(hourly, rows, { deliveryReports: filter.app === '' }),
    'No codes in this window.',
  );
  showChart(
    element('chart-refusals'),
    'refusals',
    refusalChart(hourly, rows),
    'No refusals or challenges in this window.',
  );
  showChart(
    element('chart-channels'),
    'channels',
    channelChart(hourly, rows),
    'No codes sent in this window.',
  );
  const webhooks = webhookHours(stats.webhooks);
  showChart(
    element('chart-webhooks'),
    'webhooks',
    webhooks && webhooks.length > 0 ? webhookChart(hourly, webhooks) : { hours: [], series: [] },
    webhooks
      ? 'No event webhook deliveries in this window.'
      : 'No event webhooks are configured for this deployment.',
  );
  element('admin-guard').replaceChildren(guardTable(stats, countries));
  // Routing is counted per country, not per app: with an app chosen, every country's.
  element('admin-routes').replaceChildren(
    ...routesTables(stats.routing, filter.app === '' ? filter.country : ''),
  );
  panels.hidden = false;
  document.body.dataset.dashboard = 'ready';
}

async function load(): Promise<void> {
  const hours = Number(hoursSelect.value);
  say(`Loading the last ${hours} hours…`);
  document.body.dataset.dashboard = 'loading';
  try {
    const [stats, hourly] = await Promise.all([
      readJson<StatsSummary>(`/admin/stats?hours=${hours}`),
      readJson<HourlyStats>(`/admin/stats/hourly?hours=${hours}`),
    ]);
    loaded = { stats, hourly };
    fillSelect(
      countrySelect,
      stats.countries.map((entry) => entry.country),
    );
    const apps = [...new Set(hourly.appRows.map((row) => row.app))].sort();
    fillSelect(appSelect, apps);
    appField.hidden = apps.length === 0;
    render();
    const read = `The last ${hours} hours, read ${new Date().toISOString().slice(11, 19)} UTC.`;
    // A store region that is down leaves its countries out rather than failing the page.
    const missing = [...new Set([...stats.unavailableRegions, ...hourly.unavailableRegions])];
    if (missing.length > 0) {
      say(
        `${read} Store region${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not answer: ${missing.length > 1 ? 'their' : 'its'} countries are missing.`,
        'error',
      );
    } else say(read);
  } catch (error) {
    document.body.dataset.dashboard = 'failed';
    say(error instanceof Error ? error.message : 'The stats could not be read.', 'error');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // An empty field on a later Load keeps the key in memory: Load again is a refresh.
  const typed = keyInput.value.trim();
  if (typed !== '') adminKey = typed;
  // Out of the field once taken: the page's memory holds it, the DOM does not.
  keyInput.value = '';
  keyInput.required = false;
  keyInput.placeholder = 'key kept in memory';
  if (adminKey === '') {
    say('Type an admin key first.', 'error');
    return;
  }
  void load();
});
hoursSelect.addEventListener('change', () => {
  if (adminKey !== '') void load();
});
countrySelect.addEventListener('change', render);
appSelect.addEventListener('change', () => {
  countrySelect.value = '';
  render();
});
element('admin-forget').addEventListener('click', () => {
  adminKey = '';
  loaded = undefined;
  keyInput.required = true;
  keyInput.placeholder = '';
  panels.hidden = true;
  document.body.dataset.dashboard = 'forgotten';
  say('Key forgotten. Type it again to load.');
});
