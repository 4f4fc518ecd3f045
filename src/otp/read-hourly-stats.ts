import { hourBucketStart, recentHourBuckets, windowStart } from '../stats/hour-bucket.ts';
import type {
  HourlyAppRow,
  HourlyCounts,
  HourlyStats,
  HourlyStatsRow,
  HourTally,
} from '../stats/hour-series.ts';
import type { Clock, HourlyStatsReader, RegionOutages } from './ports.ts';

export interface ReadHourlyStatsDeps {
  hourlyStats: HourlyStatsReader;
  /** The regions whose reads failed in this request; the reader above notes them. */
  storeOutages: RegionOutages;
  clock: Clock;
}

/**
 * The same hourly counters `/admin/stats` sums over `hours`, hour by hour: summing a country's
 * rows gives what /admin/stats?hours= reports for it. Apps, where counted, in rows of their own.
 * One store round trip.
 */
export async function readHourlyStats(hours: number, deps: ReadHourlyStatsDeps): Promise<HourlyStats> {
  const nowMs = deps.clock.nowMs();
  const buckets = recentHourBuckets(nowMs, hours).reverse();
  const perHour = await deps.hourlyStats.readEachHour(buckets);
  const rows: HourlyStatsRow[] = [];
  const appRows: HourlyAppRow[] = [];
  buckets.forEach((bucket, index) => {
    const hour = hourBucketStart(bucket);
    const counters = perHour[index];
    if (!counters) return;
    const bySent = (a: HourlyCounts, b: HourlyCounts) => b.sent - a.sent;
    rows.push(
      ...[...counters.countries]
        .map(([country, counts]) => ({ country, ...hourlyCounts(hour, counts) }))
        .sort((a, b) => bySent(a, b) || a.country.localeCompare(b.country)),
    );
    appRows.push(
      ...[...counters.apps]
        .map(([app, counts]) => ({ app, ...hourlyCounts(hour, counts) }))
        .sort((a, b) => bySent(a, b) || a.app.localeCompare(b.app)),
    );
  });
  return {
    hours,
    since: windowStart(nowMs, hours),
    hourStarts: buckets.map(hourBucketStart),
    rows,
    appRows,
    unavailableRegions: deps.storeOutages.regions(),
  };
}

function hourlyCounts(hour: string, counters: HourTally): HourlyCounts {
  const { metrics } = counters;
  return {
    hour,
    ...metrics,
    verificationRate:
      metrics.sent > 0 ? Math.round((metrics.verified / metrics.sent) * 10_000) / 10_000 : null,
    refused: counters.refused,
    shadow: counters.shadow,
    challenged: counters.challenged,
    channels: counters.channels,
    switched: counters.switched,
    fallbacks: counters.fallbacks,
  };
}
