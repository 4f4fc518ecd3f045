import type { Redis } from '@upstash/redis/cloudflare';
import type { WebhookDeliveryCounter, WebhookOutcome } from '../../otp/events/delivery-ports.ts';
import { STATS_TTL_SECONDS, statsHourKey, webhookStatsField } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

/** Webhook attempts into the hour's stats hash: one pipelined round trip per queue batch. */
export function createUpstashWebhookCounter(
  redis: Redis,
  calls: StoreCalls,
  keyPrefix: string,
): WebhookDeliveryCounter {
  return {
    async count(hourBucket, counts) {
      const entries = Object.entries(counts).filter(([, count]) => (count ?? 0) > 0);
      if (entries.length === 0) return;
      const key = statsHourKey(keyPrefix, hourBucket);
      const pipeline = redis.pipeline();
      for (const [outcome, count] of entries) {
        pipeline.hincrby(key, webhookStatsField(outcome as WebhookOutcome), count ?? 0);
      }
      pipeline.expire(key, STATS_TTL_SECONDS);
      await calls.roundTrip(() => pipeline.exec());
    },
  };
}
