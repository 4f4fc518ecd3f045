import type { EventSink, RandomSource } from '../ports.ts';
import { eventIdFor, randomEventId } from './event-id.ts';
import type { EventData, EventType } from './service-event.ts';

/** Types a verification (or a message status) has at most once: their ids are derived. */
const ONCE_PER_SUBJECT: ReadonlySet<EventType> = new Set([
  'verification.sent',
  'verification.approved',
  'verification.canceled',
  'verification.expired',
  'verification.max_attempts',
  'delivery.updated',
]);

/**
 * Builds one event and hands it to the sink; nothing when events are off. `subject` names what a
 * once-only event is about (the verification id; the message id and status for a delivery).
 * Not awaited by the caller's answer beyond the id's digest: the sink queues it after the response.
 */
export async function emitEvent(
  sink: EventSink,
  type: EventType,
  data: Omit<EventData, 'app'>,
  at: { nowMs: number; random: RandomSource; subject?: string | undefined },
): Promise<void> {
  if (!sink.enabled) return;
  const id =
    ONCE_PER_SUBJECT.has(type) && at.subject !== undefined
      ? await eventIdFor(type, at.subject)
      : randomEventId(at.random);
  sink.emit({ id, type, occurredAtMs: at.nowMs, data: { ...data, app: sink.appId } });
}
