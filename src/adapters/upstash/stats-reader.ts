import type { Redis } from '@upstash/redis/cloudflare';
import type { StatsReader } from '../../otp/ports.ts';
import { type CountsByCountry, STATS_METRICS, type StatsMetric, zeroCounts } from '../../stats/counters.ts';
import { statsHourKey } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

const FIELD = /^([A-Z]{2}):([a-z]+)$/;

/** Reads hourly counter hashes: one HGETALL per hour, all in one pipeline (one round trip). */
export function createUpstashStatsReader(redis: Redis, calls: StoreCalls, keyPrefix: string): StatsReader {
  return {
    async readHours(hourBuckets: readonly string[]): Promise<CountsByCountry> {
      const counts: CountsByCountry = new Map();
      if (hourBuckets.length === 0) return counts;
      const pipeline = redis.pipeline();
      for (const hour of hourBuckets) pipeline.hgetall(statsHourKey(keyPrefix, hour));
      const hashes = await calls.roundTrip(() => pipeline.exec<(Record<string, unknown> | null)[]>());
      for (const hash of hashes) {
        for (const [field, value] of Object.entries(hash ?? {})) {
          const [, country, metric] = FIELD.exec(field) ?? [];
          if (!country || !isMetric(metric)) continue;
          const count = Number(value);
          if (!Number.isFinite(count)) continue;
          let perCountry = counts.get(country);
          if (!perCountry) {
            perCountry = zeroCounts();
            counts.set(country, perCountry);
          }
          perCountry[metric] += count;
        }
      }
      return counts;
    },
  };
}

function isMetric(value: string | undefined): value is StatsMetric {
  return (STATS_METRICS as readonly (string | undefined)[]).includes(value);
}
