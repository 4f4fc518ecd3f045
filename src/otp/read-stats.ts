import { type AppCounters, type CountryRefusals, type WebhookCounts, zeroCounts } from '../stats/counters.ts';
import { recentHourBuckets, windowStart } from '../stats/hour-bucket.ts';
import {
  buildStatsReport,
  type CountryReport,
  type PumpingThresholds,
  type StatsReport,
} from '../stats/pumping-report.ts';
import { baseForExpectedVolume, type FraudGuardPolicy } from './fraud-guard-policy.ts';
import { type CellBudget, cellBudget } from './guard-budget.ts';
import type {
  CellCounts,
  Clock,
  CountryCells,
  GuardCellsReader,
  RegionOutages,
  StatsReader,
} from './ports.ts';
import type { RoutingPolicy } from './routing/routing-policy.ts';
import { type RoutingView, routingView } from './routing/routing-view.ts';

export interface ReadStatsDeps {
  thresholds: PumpingThresholds;
  guardPolicy: FraudGuardPolicy;
  stats: StatsReader;
  guardCells: GuardCellsReader;
  /** The regions whose reads failed in this request; the readers above note them. */
  storeOutages: RegionOutages;
  routing: RoutingPolicy;
  clock: Clock;
}

/** How many of a country's blocks and ranges the report lists, most unverified sends first. */
export const WORST_CELLS = 5;

export interface CountryGuardView {
  /**
   * Codes per hour the guard expects here: `declared` (FRAUD_GUARD_EXPECTED), `learned` (the
   * busiest hour of verified codes in the last 7 days), and the country `base` the larger buys.
   */
  expected: { declared: number; learned: number; base: number };
  /** The country cell now (over FRAUD_GUARD_WINDOW, not `hours`). */
  budget: CellBudget;
  overdraft: CellBudget;
  /** Sends whose caller solved a challenge once the plain cells refused. */
  challenged: CellBudget;
  /** Sends API keys vouched for (each key has its own budget, not shown here). */
  trusted: { sent: number; verified: number };
  worstBlocks: (CellBudget & { block: string })[];
  /** Ranges by HMAC tag: the store never holds a range in clear. */
  worstRanges: (CellBudget & { rangeTag: string })[];
}

export interface CountryStats extends CountryReport, CountryRefusals {
  guard: CountryGuardView;
}

/** One app's share (docs/apps.md): the guard's cells are the deployment's, its refusals also the app's. */
export interface AppStats extends AppCounters {
  /** verified / sent over the hours read; null when nothing was sent. */
  verificationRate: number | null;
}

export interface StatsSummary extends Omit<StatsReport, 'countries'> {
  hours: number;
  /** Start of the oldest hour summed (ISO 8601, UTC). */
  since: string;
  thresholds: { minSent: number; verifyRate: number };
  guardMode: FraudGuardPolicy['mode'];
  countries: CountryStats[];
  /** By app id, the default app included once it sent or was refused anything. */
  apps: Record<string, AppStats>;
  /** Conversion by country, channel and provider, the failovers, and the breakers (docs/routing.md). */
  routing: RoutingView;
  /** Event webhook attempts over the hours read (docs/events.md): totals, and each hour that had any. */
  webhooks: WebhookCounts & { hours: (WebhookCounts & { hour: string })[] };
  /**
   * Store regions that did not answer (docs/regions.md): their countries' counts and cells are
   * missing from this summary. Empty when every region answered; when none does, the read is a 503.
   */
  unavailableRegions: string[];
}

/**
 * Sums the last `hours` hourly counters per country, flags likely SMS pumping, and shows what the
 * send guard does: refusals by scope over the hours, and each country's cells as they stand now.
 * Two store round trips: the hours, then the cells of the countries found in them.
 */
export async function readStats(hours: number, deps: ReadStatsDeps): Promise<StatsSummary> {
  const nowMs = deps.clock.nowMs();
  const { counts, refusals, apps, routing, webhooks } = await deps.stats.readHours(
    recentHourBuckets(nowMs, hours),
  );
  // A country whose every request was refused sent nothing, and must still show up.
  for (const country of refusals.keys()) if (!counts.has(country)) counts.set(country, zeroCounts());
  const report = buildStatsReport(counts, deps.thresholds);
  const cells = await deps.guardCells.read(
    report.countries.map((entry) => entry.country),
    nowMs,
  );
  return {
    hours,
    since: windowStart(nowMs, hours),
    thresholds: { minSent: deps.thresholds.minSent, verifyRate: deps.thresholds.verifyRateThreshold },
    guardMode: deps.guardPolicy.mode,
    ...report,
    apps: Object.fromEntries(
      [...(apps ?? new Map<string, AppCounters>())].map(([app, counters]) => [
        app,
        {
          ...counters,
          verificationRate:
            counters.sent > 0 ? Math.round((counters.verified / counters.sent) * 10_000) / 10_000 : null,
        },
      ]),
    ),
    countries: report.countries.map((entry) => ({
      ...entry,
      refused: refusals.get(entry.country)?.refused ?? {},
      shadow: refusals.get(entry.country)?.shadow ?? {},
      challenged: refusals.get(entry.country)?.challenged ?? {},
      guard: guardView(entry.country, cells.get(entry.country), deps.guardPolicy),
    })),
    routing: routingView(routing, deps.routing.mode, nowMs),
    webhooks: webhookSummary(webhooks),
    unavailableRegions: deps.storeOutages.regions(),
  };
}

function webhookSummary(byHour: Map<string, WebhookCounts>): StatsSummary['webhooks'] {
  const hours = [...byHour]
    .map(([hour, counts]) => ({ hour, ...counts }))
    .sort((a, b) => (a.hour < b.hour ? -1 : 1));
  const sum = (key: keyof WebhookCounts) => hours.reduce((total, entry) => total + entry[key], 0);
  return { delivered: sum('delivered'), failed: sum('failed'), dead: sum('dead'), hours };
}

function guardView(
  country: string,
  cells: CountryCells | undefined,
  policy: FraudGuardPolicy,
): CountryGuardView {
  const empty: CellCounts = { sent: 0, verified: 0 };
  const worst = <K extends string>(byId: Map<string, CellCounts> | undefined, base: number, key: K) =>
    [...(byId ?? new Map<string, CellCounts>())]
      .map(
        ([id, cell]) =>
          ({ [key]: id, ...cellBudget(cell, base, policy.credit) }) as CellBudget & Record<K, string>,
      )
      .filter((entry) => entry.unverified > 0)
      .sort((a, b) => b.unverified - a.unverified)
      .slice(0, WORST_CELLS);
  const declared = policy.expected.get(country) ?? 0;
  const learned = cells?.learnedPeak ?? 0;
  const base = Math.max(policy.countryBase, baseForExpectedVolume(Math.max(declared, learned)));
  const trusted = cells?.trusted ?? empty;
  return {
    expected: { declared, learned, base },
    budget: cellBudget(cells?.country ?? empty, base, policy.credit),
    overdraft: cellBudget(cells?.overdraft ?? empty, policy.overdraftBase, policy.credit),
    challenged: cellBudget(cells?.challenged ?? empty, policy.challengedBase, policy.credit),
    trusted: {
      sent: Math.round(trusted.sent * 100) / 100,
      verified: Math.round(trusted.verified * 100) / 100,
    },
    worstBlocks: worst(cells?.blocks, policy.blockBase, 'block'),
    worstRanges: worst(cells?.ranges, policy.rangeBase, 'rangeTag'),
  };
}
