import { hourBucket } from '../stats/hour-bucket.ts';
import type {
  CallbackSignatureProblem,
  Clock,
  DeliveryCallbackReader,
  DeliveryReport,
  DeliveryStore,
  InboundCallback,
  OperatorLog,
} from './ports.ts';

export interface RecordDeliveryDeps {
  /** Undefined when the service gave the provider no callback URL (no PUBLIC_BASE_URL). */
  callbacks: DeliveryCallbackReader | undefined;
  deliveries: DeliveryStore;
  clock: Clock;
  log: OperatorLog;
}

export type RecordDeliveryOutcome =
  | { kind: 'not_found' }
  | { kind: 'invalid_signature'; reason: CallbackSignatureProblem | 'nonce_reused' }
  | { kind: 'invalid_request'; problems: { field: string; problem: string }[] }
  | { kind: 'recorded' | 'duplicate' | 'stale' | 'ignored'; report: DeliveryReport; signedWith: string };

/**
 * Takes one delivery-status callback: authenticate it, read it, and record it in one atomic store
 * step that also counts the message's final outcome in its country's hourly stats, but only for a
 * message this service sent and still tracks (`ignored` otherwise).
 */
export async function recordDelivery(
  callback: InboundCallback,
  deps: RecordDeliveryDeps,
): Promise<RecordDeliveryOutcome> {
  if (deps.callbacks === undefined) return { kind: 'not_found' };
  const reading = await deps.callbacks.read(callback);
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
  return { ...reading, kind: recorded.kind };
}
