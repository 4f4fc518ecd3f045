import { hourBucket } from '../stats/hour-bucket.ts';
import type {
  DeadEvent,
  DeadEventStore,
  EventQueue,
  WebhookDeliveryCounter,
} from './events/delivery-ports.ts';
import type { EventMessage } from './events/event-message.ts';
import type { Clock } from './ports.ts';

/** How many dead events one listing or replay handles. */
export const DEAD_EVENTS_PAGE = 100;

export interface DeadEventsDeps {
  deadEvents: DeadEventStore;
  clock: Clock;
}

/**
 * The dead-letter queue's consumer: each event that used every retry becomes a dead record an
 * operator can list and replay, and counts as `dead` in the hour. Expiry watches that could not
 * run are dropped: they are not events, and the verification's record is gone by then.
 */
export async function recordDeadEvents(
  messages: readonly EventMessage[],
  deps: DeadEventsDeps & { counter: WebhookDeliveryCounter },
): Promise<void> {
  const nowMs = deps.clock.nowMs();
  let dead = 0;
  for (const message of messages) {
    if (message.kind !== 'deliver') continue;
    await deps.deadEvents.put({ appId: message.appId, event: message.event, deadAtMs: nowMs });
    dead += 1;
  }
  await deps.counter.count(hourBucket(nowMs), { dead }).catch(() => undefined);
}

export async function listDeadEvents(deps: DeadEventsDeps): Promise<DeadEvent[]> {
  return deps.deadEvents.list(DEAD_EVENTS_PAGE);
}

export type ReplayOutcome = { kind: 'replayed'; eventIds: string[] } | { kind: 'not_found' };

/**
 * Puts dead events back on the queue with their ids unchanged (a receiver that got one after all
 * de-duplicates it): one by id, or the oldest DEAD_EVENTS_PAGE. A record is removed before it is
 * queued; if the queue then refuses, the records are put back and the error propagates (503).
 */
export async function replayDeadEvents(
  eventId: string | undefined,
  deps: DeadEventsDeps & { eventQueue: EventQueue },
): Promise<ReplayOutcome> {
  const taken = await deps.deadEvents.take(eventId, DEAD_EVENTS_PAGE);
  if (eventId !== undefined && taken.length === 0) return { kind: 'not_found' };
  try {
    await deps.eventQueue.enqueue(taken);
  } catch (error) {
    for (const dead of taken) await deps.deadEvents.put(dead);
    throw error;
  }
  return { kind: 'replayed', eventIds: taken.map((dead) => dead.event.id) };
}
