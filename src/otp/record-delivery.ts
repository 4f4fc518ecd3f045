import { hourBucket } from '../stats/hour-bucket.ts';
import { announceDelivery } from './events/announce-delivery.ts';
import type { EventContexts } from './events/event-context.ts';
import {
  type FallBackToVoiceDeps,
  type FallBackToVoiceOutcome,
  type FallbackBy,
  fallBackToVoice,
} from './fall-back-to-voice.ts';
import type {
  CallbackSignatureProblem,
  Clock,
  DeliveryCallbackReader,
  DeliveryReport,
  DeliveryStore,
  EventSink,
  InboundCallback,
  OperatorLog,
} from './ports.ts';

export interface RecordDeliveryDeps extends FallBackToVoiceDeps {
  /** Undefined when the service gave the provider no callback URL (no PUBLIC_BASE_URL). */
  callbacks: DeliveryCallbackReader | undefined;
  deliveries: DeliveryStore;
  /** `delivery.updated` for messages sent with an event context (events on at send time). */
  events: EventSink;
  eventContexts: EventContexts;
  clock: Clock;
  log: OperatorLog;
}

export type RecordDeliveryOutcome =
  | { kind: 'not_found' }
  | { kind: 'invalid_signature'; reason: CallbackSignatureProblem | 'nonce_reused' }
  | { kind: 'invalid_request'; problems: { field: string; problem: string }[] }
  | {
      kind: 'recorded' | 'duplicate' | 'stale' | 'ignored';
      report: DeliveryReport;
      signedWith: string;
      /** What the report set off: an `auto` verification's call, when its SMS failed. */
      fallback?: FallBackToVoiceOutcome['kind'] | undefined;
      /** `failover` when the report sent a fresh code through another provider (docs/routing.md). */
      fallbackBy?: FallbackBy | undefined;
    };

/**
 * Takes one delivery-status callback: authenticate it, read it, and record it in one atomic store
 * step that also counts the message's final outcome in its country's hourly stats, but only for a
 * message this service sent and still tracks (`ignored` otherwise). A failed SMS of an `auto`
 * verification then gets its call (./fall-back-to-voice.ts) before the answer: if the store or
 * the provider cannot take it now, the error answers 503 and Plivo's retry of this report brings
 * the same call back (the store keeps owing it until a call is admitted).
 */
export async function recordDelivery(
  callback: InboundCallback,
  deps: RecordDeliveryDeps,
  /** The provider whose callbacks these are: Plivo's unless a route names another (Twilio's). */
  reader: DeliveryCallbackReader | undefined = deps.callbacks,
): Promise<RecordDeliveryOutcome> {
  if (reader === undefined) return { kind: 'not_found' };
  const reading = await reader.read(callback);
  if (reading.kind !== 'report') return reading;
  const { report } = reading;
  deps.log.subject(report.country);

  const nowMs = deps.clock.nowMs();
  const recorded = await deps.deliveries.record(report, {
    hourBucket: hourBucket(nowMs),
    nowMs,
    singleUseNonce: reading.singleUseNonce,
  });
  if (recorded.kind === 'nonce_reused') return { kind: 'invalid_signature', reason: 'nonce_reused' };
  // Genuinely signed, but not about a message this service sent and still tracks. Answered with a
  // 2xx all the same: Plivo retries anything else, and there is nothing to retry.
  if (recorded.kind === 'untracked') return { ...reading, kind: 'ignored' };
  if (recorded.kind === 'recorded' && recorded.eventContext !== undefined) {
    await announceDelivery(report, recorded.eventContext, nowMs, deps);
  }
  if (recorded.fallback === undefined) return { ...reading, kind: recorded.kind };
  const fallback = await fallBackToVoice(recorded.fallback, deps);
  return { ...reading, kind: recorded.kind, fallback: fallback.kind, fallbackBy: fallback.by };
}
