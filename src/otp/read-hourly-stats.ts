import { hourBucketStart, recentHourBuckets, windowStart } from '../stats/hour-bucket.ts';
import type { HourlyStats, HourlyStatsRow } from '../stats/hour-series.ts';
import type { Clock, HourlyStatsReader } from './ports.ts';

export interface ReadHourlyStatsDeps {
  hourlyStats: HourlyStatsReader;
  clock: Clock;
}

/**
 * The same hourly counters `/admin/stats` sums over `hours`, hour by hour: summing a country's
 * rows gives what /admin/stats?hours= reports for it. One store round trip.
 */
export async function readHourlyStats(hours: number, deps: ReadHourlyStatsDeps): Promise<HourlyStats> {
  const nowMs = deps.clock.nowMs();
  const buckets = recentHourBuckets(nowMs, hours).reverse();
  const perHour = await deps.hourlyStats.readEachHour(buckets);
  const rows: HourlyStatsRow[] = [];
  buckets.forEach((bucket, index) => {
    const hourRows = [...(perHour[index] ?? new Map())].map(
      ([country, counters]): HourlyStatsRow => ({
        hour: hourBucketStart(bucket),
        country,
        ...counters.metrics,
        verificationRate:
          counters.metrics.sent > 0
            ? Math.round((counters.metrics.verified / counters.metrics.sent) * 10_000) / 10_000
            : null,
        refused: counters.refused,
        shadow: counters.shadow,
        challenged: counters.challenged,
        channels: counters.channels,
        switched: counters.switched,
        fallbacks: counters.fallbacks,
      }),
    );
    rows.push(...hourRows.sort((a, b) => b.sent - a.sent || a.country.localeCompare(b.country)));
  });
  return { hours, since: windowStart(nowMs, hours), hourStarts: buckets.map(hourBucketStart), rows };
}
