import type { DeliveryReport } from '../adapters/plivo/delivery-report.ts';

export type DeliveryRecordOutcome =
  /** The message's state moved to this callback's status. */
  | { kind: 'recorded' }
  /** This MessageUUID + Sequence was seen before: nothing changed. */
  | { kind: 'duplicate' }
  /** A later callback of the message is already recorded: nothing changed. */
  | { kind: 'stale'; recordedSequence: number }
  /** The V2 nonce was used before: a replayed V2 signature over another body. Nothing changed. */
  | { kind: 'nonce_reused' };

export interface RecordDeliveryOptions {
  /** UTC hour bucket (src/stats/hour-bucket.ts) a final outcome is counted in. */
  hourBucket: string;
  nowMs: number;
  /** Set when the callback was accepted on a V2 signature, which must then be single-use. */
  v2Nonce?: string | undefined;
}

/** Where delivery reports go. One atomic step per callback (one store round trip). */
export interface DeliveryStore {
  record(report: DeliveryReport, options: RecordDeliveryOptions): Promise<DeliveryRecordOutcome>;
}
