import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { EventQueue } from '../../otp/events/delivery-ports.ts';
import type { EventMessage } from '../../otp/events/event-message.ts';

/** Cloudflare Queues takes at most 100 messages per sendBatch. */
const BATCH_LIMIT = 100;

/** Events onto the EVENTS queue and awaited: an expiry watch's event, an operator's replay. */
export function createQueueEventQueue(queue: Queue<EventMessage>): EventQueue {
  return {
    async enqueue(events) {
      for (let start = 0; start < events.length; start += BATCH_LIMIT) {
        await queue
          .sendBatch(
            events.slice(start, start + BATCH_LIMIT).map(({ appId, event }) => ({
              body: { kind: 'deliver', appId, event } satisfies EventMessage,
              contentType: 'json' as const,
            })),
          )
          .catch(() => {
            throw new DependencyUnavailableError('queue', 'events queue refused a batch');
          });
      }
    },
  };
}
