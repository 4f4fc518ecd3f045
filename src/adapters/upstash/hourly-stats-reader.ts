import type { HourlyStatsReader } from '../../otp/ports.ts';
import { STATS_METRICS, type StatsMetric, zeroCounts } from '../../stats/counters.ts';
import { emptyHourTally, type HourCounters, type HourTally } from '../../stats/hour-series.ts';
import { statsHourKey } from './keys.ts';
import { hashFromReply, type PipelineClient } from './pipeline-client.ts';
import { type RegionReader, readEveryRegion } from './regional-ports.ts';
import type { StoreCalls } from './store-call.ts';

/**
 * `US:sent`, or `US:{kind}:{name}`: a refusal scope (`refused`, `shadow`, `challenged`, written by
 * admit-send) or a channel (`via`, `switch`, `fallback`); the same after `@{app}` instead of a
 * country where a deployment counts per app. Other fields (`US:learned`) are skipped.
 */
const FIELD =
  /^(?:([A-Z]{2})|@([a-z][a-z0-9_-]{0,15})):(?:([a-z_]+)|(refused|shadow|challenged|via|switch|fallback):([a-z]+))$/;

const GROUP_OF_KIND = {
  refused: 'refused',
  shadow: 'shadow',
  challenged: 'challenged',
  via: 'channels',
  switch: 'switched',
  fallback: 'fallbacks',
} as const satisfies Record<string, keyof Omit<HourTally, 'metrics'>>;

/**
 * Reads the hourly counter hashes each on its own (what the dashboard plots): one HGETALL per
 * hour, all in one pipeline, like the summing reader of /admin/stats. `store`: built on first use,
 * like that reader's (only these admin reads go through a pipeline).
 */
export function createUpstashHourlyStatsReader(
  store: () => PipelineClient,
  calls: StoreCalls,
  keyPrefix: string,
): HourlyStatsReader {
  return {
    async readEachHour(hourBuckets) {
      if (hourBuckets.length === 0) return [];
      const commands = hourBuckets.map((hour) => ['hgetall', statsHourKey(keyPrefix, hour)]);
      const replies = await calls.roundTrip(() => store().pipeline(commands));
      return replies.map((reply) => countersOfHour(hashFromReply(reply) ?? {}));
    },
  };
}

function countersOfHour(hash: Record<string, unknown>): HourCounters {
  const hour: HourCounters = { countries: new Map(), apps: new Map() };
  for (const [field, value] of Object.entries(hash)) {
    const [, country, app, metric, kind, name] = FIELD.exec(field) ?? [];
    const count = Number(value);
    const isMetric = (STATS_METRICS as readonly (string | undefined)[]).includes(metric);
    if (!Number.isFinite(count) || (!isMetric && !(kind && name))) continue;
    const byWho = country ? hour.countries : hour.apps;
    const who = country ?? app;
    if (!who) continue;
    let counters = byWho.get(who);
    if (!counters) {
      counters = emptyHourTally(zeroCounts());
      byWho.set(who, counters);
    }
    if (isMetric) counters.metrics[metric as StatsMetric] += count;
    else if (kind && name) {
      const group = counters[GROUP_OF_KIND[kind as keyof typeof GROUP_OF_KIND]];
      group[name] = (group[name] ?? 0) + count;
    }
  }
  return hour;
}

/** Several regions' hours read at once and added up (docs/regions.md), like /admin/stats' reader. */
export function summedHourlyStatsReader(
  readers: readonly RegionReader<HourlyStatsReader>[],
  outages: { note(region: string): void },
): HourlyStatsReader {
  return {
    async readEachHour(hourBuckets) {
      const perRegion = await readEveryRegion(readers, (reader) => reader.readEachHour(hourBuckets), outages);
      return hourBuckets.map((_bucket, index) => {
        const sum: HourCounters = { countries: new Map(), apps: new Map() };
        for (const hours of perRegion) {
          const hour = hours[index];
          if (!hour) continue;
          addTallies(sum.countries, hour.countries);
          addTallies(sum.apps, hour.apps);
        }
        return sum;
      });
    },
  };
}

function addTallies(into: Map<string, HourTally>, from: Map<string, HourTally>): void {
  for (const [who, tally] of from) {
    const total = into.get(who) ?? emptyHourTally(zeroCounts());
    for (const metric of STATS_METRICS) total.metrics[metric] += tally.metrics[metric];
    for (const group of Object.values(GROUP_OF_KIND)) {
      for (const [name, count] of Object.entries(tally[group])) {
        total[group][name] = (total[group][name] ?? 0) + count;
      }
    }
    into.set(who, total);
  }
}
