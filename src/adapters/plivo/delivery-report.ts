import type { CallbackParam, DeliveryReport } from '../../otp/ports.ts';
import { parsePhone } from '../../phone/parse-phone.ts';

export type DeliveryReportResult =
  | { ok: true; report: DeliveryReport }
  | { ok: false; problems: { field: string; problem: string }[] };

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

/**
 * Reads the fields the service uses from one Plivo delivery-status callback; problems name the
 * field, never echo its value. `To` is read for its country only and dropped here.
 */
export function parseDeliveryReport(params: readonly CallbackParam[]): DeliveryReportResult {
  const field = (name: string) => params.find(([key]) => key === name)?.[1];
  const messageUuid = field('MessageUUID') ?? '';
  const sequence = field('Sequence') ?? '';
  const status = field('Status') ?? '';
  const errorCode = field('ErrorCode') ?? '';

  const problems: { field: string; problem: string }[] = [];
  if (!UUID.test(messageUuid)) problems.push({ field: 'MessageUUID', problem: 'must be a UUID' });
  if (!SEQUENCE.test(sequence)) problems.push({ field: 'Sequence', problem: 'must be a whole number' });
  if (!STATUS.test(status)) problems.push({ field: 'Status', problem: 'must be a status word' });
  if (!ERROR_CODE.test(errorCode)) problems.push({ field: 'ErrorCode', problem: 'must be a short code' });
  if (problems.length > 0) return { ok: false, problems };

  const normalisedStatus = status.toLowerCase();
  return {
    ok: true,
    report: {
      messageUuid: messageUuid.toLowerCase(),
      provider: 'plivo',
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
