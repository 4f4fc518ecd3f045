import type { EventSink, RandomSource } from '../ports.ts';
import { eventIdFor, randomEventId } from './event-id.ts';
import type { EventData, EventType } from './service-event.ts';

/**
 * Builds one event and hands it to the sink; nothing when events are off. `subject`, for a fact
 * that happens once per verification (sent, approved, canceled, max attempts), is the
 * verification id: the event's id is derived from it (./event-id.ts); without one it is random.
 * Not awaited by the caller's answer beyond the id's digest: the sink queues it after the response.
 */
export async function emitEvent(
  sink: EventSink,
  type: EventType,
  data: Omit<EventData, 'app'>,
  at: { nowMs: number; random: RandomSource; subject?: string | undefined },
): Promise<void> {
  if (!sink.enabled) return;
  const id = at.subject !== undefined ? await eventIdFor(type, at.subject) : randomEventId(at.random);
  sink.emit({ id, type, occurredAtMs: at.nowMs, data: { ...data, app: sink.appId } });
}
