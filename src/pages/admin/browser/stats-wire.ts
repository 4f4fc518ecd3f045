/**
 * What the dashboard reads of GET /admin/stats (src/otp/read-stats.ts's `StatsSummary` on the
 * wire), from the pure pieces it is built of: the use case's module and the guard's budget
 * import the ports, which are not browser code.
 */
import type { RoutingView } from '../../../otp/routing/routing-view.ts';
import type { CountryRefusals } from '../../../stats/counters.ts';
import type { CountryReport, StatsReport } from '../../../stats/pumping-report.ts';

/** A guard cell as /admin/stats reports it (src/otp/guard-budget.ts's `CellBudget`). */
export interface CellBudget {
  unverified: number;
  verified: number;
  limit: number;
  underPressure: boolean;
}

export interface CountryStats extends CountryReport, CountryRefusals {
  guard: {
    expected: { declared: number; learned: number; base: number };
    budget: CellBudget;
    overdraft: CellBudget;
    challenged: CellBudget;
    worstBlocks: (CellBudget & { block: string })[];
    worstRanges: (CellBudget & { rangeTag: string })[];
  };
}

export interface StatsSummary extends Omit<StatsReport, 'countries'> {
  hours: number;
  since: string;
  guardMode: string;
  countries: CountryStats[];
  /** Conversion per country, channel and provider, failovers, breakers (src/pages/admin/browser/routes-panel.ts). */
  routing?: RoutingView;
  /** Event webhook deliveries, when the deployment sends events (src/pages/admin/browser/chart-series.ts reads it). */
  webhooks?: unknown;
  /** Store regions that did not answer: their countries are missing (docs/regions.md). */
  unavailableRegions: string[];
}
