import { parsePhone } from '../../phone/parse-phone.ts';
import type { CallbackParam } from './callback-signature.ts';

/**
 * What the service keeps from one Plivo delivery-status callback. `To` is read only to find the
 * country for the counters and is dropped here: neither the store nor the log ever sees it.
 */
export interface DeliveryReport {
  /** Lower-case UUID; it becomes part of Redis keys, so its shape is checked strictly. */
  messageUuid: string;
  /** Orders the callbacks of one message; a lower one never overwrites a higher one. */
  sequence: number;
  /** Plivo's status (`queued`, `sent`, `delivered`, `failed`, `undelivered`, ...), lower case. */
  status: string;
  /** Plivo's ErrorCode on failed and undelivered messages; empty otherwise. */
  errorCode: string;
  country: string;
  /** The counter this status settles the message in, if it is a final one. */
  outcome: 'delivered' | 'failed' | undefined;
}

export type DeliveryReportResult =
  | { ok: true; report: DeliveryReport }
  | { ok: false; issues: { field: string; problem: string }[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEQUENCE = /^[0-9]{1,9}$/;
// Plivo may add statuses (it has for other channels); any plain word is recorded, only the known
// final ones move a counter.
const STATUS = /^[a-z_]{1,24}$/i;
const ERROR_CODE = /^[A-Za-z0-9_-]{0,16}$/;

const OUTCOME_OF_STATUS: Record<string, DeliveryReport['outcome']> = {
  delivered: 'delivered',
  failed: 'failed',
  undelivered: 'failed',
};

/** Reads the fields the service uses; problems name the field, never echo its value. */
export function parseDeliveryReport(params: readonly CallbackParam[]): DeliveryReportResult {
  const field = (name: string) => params.find(([key]) => key === name)?.[1];
  const messageUuid = field('MessageUUID') ?? '';
  const sequence = field('Sequence') ?? '';
  const status = field('Status') ?? '';
  const errorCode = field('ErrorCode') ?? '';

  const issues: { field: string; problem: string }[] = [];
  if (!UUID.test(messageUuid)) issues.push({ field: 'MessageUUID', problem: 'must be a UUID' });
  if (!SEQUENCE.test(sequence)) issues.push({ field: 'Sequence', problem: 'must be a whole number' });
  if (!STATUS.test(status)) issues.push({ field: 'Status', problem: 'must be a status word' });
  if (!ERROR_CODE.test(errorCode)) issues.push({ field: 'ErrorCode', problem: 'must be a short code' });
  if (issues.length > 0) return { ok: false, issues };

  const normalisedStatus = status.toLowerCase();
  return {
    ok: true,
    report: {
      messageUuid: messageUuid.toLowerCase(),
      sequence: Number(sequence),
      status: normalisedStatus,
      errorCode,
      country: countryOf(field('To')),
      outcome: Object.hasOwn(OUTCOME_OF_STATUS, normalisedStatus)
        ? OUTCOME_OF_STATUS[normalisedStatus]
        : undefined,
    },
  };
}

/** Plivo reports numbers as digits without the +. */
function countryOf(to: string | undefined): string {
  if (to === undefined) return 'XX';
  const parsed = parsePhone(`+${to.trim().replace(/^\+/, '')}`);
  return parsed.ok ? parsed.country : 'XX';
}
