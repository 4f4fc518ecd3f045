import type { Redis } from '@upstash/redis/cloudflare';
import type { DeadEvent, DeadEventStore } from '../../otp/events/delivery-ports.ts';
import { DEAD_EVENTS_TTL_SECONDS, deadEventsKey } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

/**
 * Dead letters in one Redis hash (keys.ts `deadEventsKey`). Read and taken by an operator only
 * (GET/POST /admin/events/dead), so a whole-hash read is fine: the list an operator acts on is
 * small, or the webhook was down long enough that replaying the lot is the point.
 */
/** `redis`: built on first use (a request's services build this store; only the admin routes use it). */
export function createUpstashDeadEvents(
  redis: () => Redis,
  calls: StoreCalls,
  keyPrefix: string,
): DeadEventStore {
  const key = deadEventsKey(keyPrefix);
  async function readAll(): Promise<DeadEvent[]> {
    const hash = await calls.roundTrip(() => redis().hgetall<Record<string, unknown>>(key));
    return Object.values(hash ?? {})
      .map((value) => (typeof value === 'string' ? (JSON.parse(value) as DeadEvent) : (value as DeadEvent)))
      .sort((a, b) => a.deadAtMs - b.deadAtMs);
  }
  return {
    async put(dead) {
      const pipeline = redis().pipeline();
      pipeline.hset(key, { [dead.event.id]: JSON.stringify(dead) });
      pipeline.expire(key, DEAD_EVENTS_TTL_SECONDS);
      await calls.roundTrip(() => pipeline.exec());
    },
    async list(limit) {
      return (await readAll()).slice(0, limit);
    },
    async take(eventId, limit) {
      const taken = (await readAll()).filter((dead) => eventId === undefined || dead.event.id === eventId);
      const chosen = taken.slice(0, limit);
      if (chosen.length > 0) {
        await calls.roundTrip(() => redis().hdel(key, ...chosen.map((dead) => dead.event.id)));
      }
      return chosen;
    },
  };
}
