import type { Redis } from '@upstash/redis/cloudflare';
import type { StatsReader } from '../../otp/ports.ts';
import { PROVIDER_IDS } from '../../otp/provider-id.ts';
import {
  type AppCounters,
  type CountryRefusals,
  type HourlyCounters,
  STATS_METRICS,
  type StatsMetric,
  type WebhookCounts,
  zeroAppCounters,
  zeroCounts,
} from '../../stats/counters.ts';
import {
  type BreakerReading,
  PROVIDER_METRICS,
  type ProviderCounts,
  type RoutingCounters,
} from '../../stats/routing-counters.ts';
import { breakerKey, routeStatsHourKey, statsHourKey } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

/** `webhooks:delivered` and the like (webhook-counter.ts). */
const WEBHOOK_FIELD = /^webhooks:(delivered|failed|dead)$/;

/** `US:sent`, or `US:refused:range` / `US:shadow:range` / `US:challenged:range` (admit-send's). */
const FIELD = /^([A-Z]{2}):(?:([a-z_]+)|(refused|shadow|challenged):([a-z]+))$/;

/** `@shop:sent`, `@shop:refused:range`: an app's counts (admit-send's and check-code's, keys.ts statsAppField). */
const APP_FIELD =
  /^@([a-z][a-z0-9_-]{0,15}):(?:(sent|verified|test_sent|test_verified)|(refused|shadow|challenged):([a-z]+))$/;

/** Reads hourly counter hashes: one HGETALL per hour, all in one pipeline (one round trip). */
/** `redis`: built on first use (only GET /admin/stats reads through a pipeline). */
export function createUpstashStatsReader(
  redis: () => Redis,
  calls: StoreCalls,
  keyPrefix: string,
): StatsReader {
  return {
    async readHours(hourBuckets: readonly string[]): Promise<HourlyCounters> {
      const apps = new Map<string, AppCounters>();
      const read: HourlyCounters = { counts: new Map(), refusals: new Map(), webhooks: new Map(), apps };
      if (hourBuckets.length === 0) return read;
      const pipeline = redis().pipeline();
      for (const hour of hourBuckets) pipeline.hgetall(statsHourKey(keyPrefix, hour));
      // Routing's hours and the breakers ride in the same pipeline: no extra round trip.
      for (const hour of hourBuckets) pipeline.hgetall(routeStatsHourKey(keyPrefix, hour));
      for (const provider of PROVIDER_IDS) pipeline.hgetall(breakerKey(keyPrefix, provider));
      const replies = await calls.roundTrip(() => pipeline.exec<(Record<string, unknown> | null)[]>());
      const hashes = replies.slice(0, hourBuckets.length);
      read.routing = readRouting(
        replies.slice(hourBuckets.length, 2 * hourBuckets.length),
        replies.slice(2 * hourBuckets.length),
      );
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
          if (field.startsWith('@')) {
            if (Number.isFinite(count)) countApp(apps, field, count);
            continue;
          }
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

function countApp(apps: Map<string, AppCounters>, field: string, count: number): void {
  const [, app, metric, kind, scope] = APP_FIELD.exec(field) ?? [];
  if (!app) return;
  let counters = apps.get(app);
  if (!counters) {
    counters = zeroAppCounters();
    apps.set(app, counters);
  }
  if (metric === 'sent' || metric === 'verified' || metric === 'test_sent' || metric === 'test_verified') {
    counters[metric] += count;
  } else if ((kind === 'refused' || kind === 'shadow' || kind === 'challenged') && scope) {
    counters[kind][scope] = (counters[kind][scope] ?? 0) + count;
  }
}

function isMetric(value: string | undefined): value is StatsMetric {
  return (STATS_METRICS as readonly (string | undefined)[]).includes(value);
}

/** `GB:sms:twilio:sent` and `GB:failover` (keys.ts routeStatsHourKey). */
const ROUTE_FIELD = /^([A-Z]{2}):(?:([a-z]+):([a-z0-9_-]+):([a-z]+)|(failover))$/;

function readRouting(
  hours: readonly (Record<string, unknown> | null)[],
  breakers: readonly (Record<string, unknown> | null)[],
): RoutingCounters {
  const routing: RoutingCounters = { routes: new Map(), failovers: new Map(), breakers: [] };
  for (const hash of hours) {
    for (const [field, value] of Object.entries(hash ?? {})) {
      const [, country, channel, provider, metric, failover] = ROUTE_FIELD.exec(field) ?? [];
      const count = Number(value);
      if (!country || !Number.isFinite(count)) continue;
      if (failover) {
        routing.failovers.set(country, (routing.failovers.get(country) ?? 0) + count);
        continue;
      }
      const known = PROVIDER_METRICS.find((name) => name === metric);
      if (!known) continue;
      const key = `${country}:${channel}:${provider}`;
      let counts: ProviderCounts | undefined = routing.routes.get(key);
      if (!counts) {
        counts = { sent: 0, delivered: 0, failed: 0, verified: 0 };
        routing.routes.set(key, counts);
      }
      counts[known] += count;
    }
  }
  PROVIDER_IDS.forEach((provider, index) => {
    const hash = breakers[index] ?? {};
    const reading: BreakerReading = {
      provider,
      openUntilMs: Number(hash.u ?? 0) || 0,
      tripped: String(hash.h ?? '') === '1',
      requests: Number(hash.a ?? 0) || 0,
      errors: Number(hash.e ?? 0) || 0,
    };
    routing.breakers.push(reading);
  });
  return routing;
}
