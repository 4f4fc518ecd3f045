import type { Redis } from '@upstash/redis/cloudflare';
import type { StatsReader } from '../../otp/ports.ts';
import {
  type CountryRefusals,
  type HourlyCounters,
  STATS_METRICS,
  type StatsMetric,
  type WebhookCounts,
  zeroCounts,
} from '../../stats/counters.ts';
import { statsHourKey } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

/** `US:sent`, or `US:refused:range` / `US:shadow:range` / `US:challenged:range` (admit-send's). */
/** `webhooks:delivered` and the like (webhook-counter.ts). */
const WEBHOOK_FIELD = /^webhooks:(delivered|failed|dead)$/;

const FIELD = /^([A-Z]{2}):(?:([a-z_]+)|(refused|shadow|challenged):([a-z]+))$/;

/** Reads hourly counter hashes: one HGETALL per hour, all in one pipeline (one round trip). */
/** `redis`: built on first use (only GET /admin/stats reads through a pipeline). */
export function createUpstashStatsReader(
  redis: () => Redis,
  calls: StoreCalls,
  keyPrefix: string,
): StatsReader {
  return {
    async readHours(hourBuckets: readonly string[]): Promise<HourlyCounters> {
      const read: HourlyCounters = { counts: new Map(), refusals: new Map(), webhooks: new Map() };
      if (hourBuckets.length === 0) return read;
      const pipeline = redis().pipeline();
      for (const hour of hourBuckets) pipeline.hgetall(statsHourKey(keyPrefix, hour));
      const hashes = await calls.roundTrip(() => pipeline.exec<(Record<string, unknown> | null)[]>());
      for (const [index, hash] of hashes.entries()) {
        const hour = hourBuckets[index];
        for (const [field, value] of Object.entries(hash ?? {})) {
          const webhook = WEBHOOK_FIELD.exec(field)?.[1] as keyof WebhookCounts | undefined;
          if (webhook && hour !== undefined) {
            const counts = read.webhooks.get(hour) ?? { delivered: 0, failed: 0, dead: 0 };
            counts[webhook] += Number(value) || 0;
            read.webhooks.set(hour, counts);
            continue;
          }
          const [, country, metric, kind, scope] = FIELD.exec(field) ?? [];
          const count = Number(value);
          if (!country || !Number.isFinite(count)) continue;
          if (isMetric(metric)) {
            let perCountry = read.counts.get(country);
            if (!perCountry) {
              perCountry = zeroCounts();
              read.counts.set(country, perCountry);
            }
            perCountry[metric] += count;
          } else if ((kind === 'refused' || kind === 'shadow' || kind === 'challenged') && scope) {
            let refusals = read.refusals.get(country);
            if (!refusals) {
              refusals = { refused: {}, shadow: {}, challenged: {} } satisfies CountryRefusals;
              read.refusals.set(country, refusals);
            }
            refusals[kind][scope] = (refusals[kind][scope] ?? 0) + count;
          }
        }
      }
      return read;
    },
  };
}

function isMetric(value: string | undefined): value is StatsMetric {
  return (STATS_METRICS as readonly (string | undefined)[]).includes(value);
}
