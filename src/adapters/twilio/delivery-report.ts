import type { CallbackParam, DeliveryReport } from '../../otp/ports.ts';
import { parsePhone } from '../../phone/parse-phone.ts';

export type TwilioReportResult =
  | { ok: true; report: DeliveryReport }
  | { ok: false; problems: { field: string; problem: string }[] };

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
// Twilio may add statuses; any plain word is recorded, only the known final ones move a counter.
const STATUS = /^[a-z_-]{1,24}$/i;
const ERROR_CODE = /^[0-9]{0,6}$/;

/**
 * Twilio's status callbacks carry no sequence and arrive in no guaranteed order (docs/twilio.md,
 * "Status callbacks"): the status's place in a message's life stands in for one, so a late `sent`
 * never overwrites `delivered`, and a repeat of one status is a duplicate.
 */
const STATUS_RANK: Readonly<Record<string, number>> = {
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  read: 6,
};

const OUTCOME_OF_STATUS: Record<string, DeliveryReport['outcome']> = {
  delivered: 'delivered',
  failed: 'failed',
  undelivered: 'failed',
};

/**
 * Reads the fields the service uses from one Twilio status callback; problems name the field,
 * never echo its value. `To` (E.164) is read for its country only and dropped here.
 */
export function parseTwilioReport(params: readonly CallbackParam[]): TwilioReportResult {
  const field = (name: string) => params.find(([key]) => key === name)?.[1];
  const messageSid = field('MessageSid') ?? '';
  const status = (field('MessageStatus') ?? '').toLowerCase();
  const errorCode = field('ErrorCode') ?? '';

  const problems: { field: string; problem: string }[] = [];
  if (!MESSAGE_SID.test(messageSid)) problems.push({ field: 'MessageSid', problem: 'must be a message SID' });
  if (!STATUS.test(status)) problems.push({ field: 'MessageStatus', problem: 'must be a status word' });
  if (!ERROR_CODE.test(errorCode)) problems.push({ field: 'ErrorCode', problem: 'must be a number' });
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    report: {
      messageUuid: messageSid,
      provider: 'twilio',
      sequence: STATUS_RANK[status] ?? 0,
      status,
      errorCode,
      country: countryOf(field('To')),
      outcome: Object.hasOwn(OUTCOME_OF_STATUS, status) ? OUTCOME_OF_STATUS[status] : undefined,
    },
  };
}

function countryOf(to: string | undefined): string {
  if (to === undefined) return 'XX';
  const parsed = parsePhone(to.trim());
  return parsed.ok ? parsed.country : 'XX';
}
