import type { DeadEvent, DeadEventStore } from '../../otp/events/delivery-ports.ts';
import { DEAD_EVENTS_TTL_SECONDS, deadEventsKey } from './keys.ts';
import { hashFromReply, type PipelineClient } from './pipeline-client.ts';
import type { StoreCalls } from './store-call.ts';

/**
 * Dead letters in one Redis hash (keys.ts `deadEventsKey`). Read and taken by an operator only
 * (GET/POST /admin/events/dead), so a whole-hash read is fine: the list an operator acts on is
 * small, or the webhook was down long enough that replaying the lot is the point.
 */
/** `store`: built on first use (a request's services build this store; only the admin routes use it). */
export function createUpstashDeadEvents(
  store: () => PipelineClient,
  calls: StoreCalls,
  keyPrefix: string,
): DeadEventStore {
  const key = deadEventsKey(keyPrefix);
  async function readAll(): Promise<DeadEvent[]> {
    const [reply] = await calls.roundTrip(() => store().pipeline([['hgetall', key]]));
    const hash = hashFromReply(reply);
    return Object.values(hash ?? {})
      .map((value) => (typeof value === 'string' ? (JSON.parse(value) as DeadEvent) : (value as DeadEvent)))
      .sort((a, b) => a.deadAtMs - b.deadAtMs);
  }
  return {
    async put(dead) {
      await calls.roundTrip(() =>
        store().pipeline([
          ['hset', key, dead.event.id, JSON.stringify(dead)],
          ['expire', key, DEAD_EVENTS_TTL_SECONDS],
        ]),
      );
    },
    async list(limit) {
      return (await readAll()).slice(0, limit);
    },
    async take(eventId, limit) {
      const taken = (await readAll()).filter((dead) => eventId === undefined || dead.event.id === eventId);
      const chosen = taken.slice(0, limit);
      if (chosen.length > 0) {
        await calls.roundTrip(() =>
          store().pipeline([['hdel', key, ...chosen.map((dead) => dead.event.id)]]),
        );
      }
      return chosen;
    },
  };
}
