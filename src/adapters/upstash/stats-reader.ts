import type { Redis } from '@upstash/redis/cloudflare';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import {
  type CountsByCountry,
  STATS_METRICS,
  type StatsMetric,
  type StatsReader,
  zeroCounts,
} from '../../stats/counters.ts';
import type { RoundTripCounter } from './code-store.ts';
import { statsHourKey } from './keys.ts';
import { describeStoreError } from './store-call.ts';

const FIELD = /^([A-Z]{2}):([a-z]+)$/;

/** Reads hourly counter hashes: one HGETALL per hour, all in one pipeline (one round trip). */
export function createUpstashStatsReader(
  redis: Redis,
  keyPrefix: string,
  counter: RoundTripCounter,
): StatsReader {
  return {
    async readHours(hourBuckets: readonly string[]): Promise<CountsByCountry> {
      const counts: CountsByCountry = new Map();
      if (hourBuckets.length === 0) return counts;
      const pipeline = redis.pipeline();
      for (const hour of hourBuckets) pipeline.hgetall(statsHourKey(keyPrefix, hour));
      counter.storeRoundTrips += 1;
      let hashes: (Record<string, unknown> | null)[];
      try {
        hashes = await pipeline.exec<(Record<string, unknown> | null)[]>();
      } catch (error) {
        throw new DependencyUnavailableError('store', describeStoreError(error));
      }
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
