import { recentHourBuckets, windowStart } from '../stats/hour-bucket.ts';
import { buildStatsReport, type PumpingThresholds, type StatsReport } from '../stats/pumping-report.ts';
import type { Clock, StatsReader } from './ports.ts';

export interface ReadStatsDeps {
  thresholds: PumpingThresholds;
  stats: StatsReader;
  clock: Clock;
}

export interface StatsSummary extends StatsReport {
  hours: number;
  /** Start of the oldest hour summed (ISO 8601, UTC). */
  since: string;
  thresholds: { minSent: number; verifyRate: number };
}

/** Sums the last `hours` hourly counters per country and flags likely SMS pumping. */
export async function readStats(hours: number, deps: ReadStatsDeps): Promise<StatsSummary> {
  const nowMs = deps.clock.nowMs();
  const counts = await deps.stats.readHours(recentHourBuckets(nowMs, hours));
  return {
    hours,
    since: windowStart(nowMs, hours),
    thresholds: { minSent: deps.thresholds.minSent, verifyRate: deps.thresholds.verifyRateThreshold },
    ...buildStatsReport(counts, deps.thresholds),
  };
}
