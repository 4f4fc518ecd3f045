import type { Channel } from '../../../otp/channel.ts';

/**
 * Plivo's delivery statuses as the page reads them from GET /otp/verifications/{id}: `reached` and
 * `failed` are final, anything else (`queued`, `sent`, a status Plivo adds) may still change.
 */
export type DeliveryOutcome = 'under_way' | 'reached' | 'failed';

const REACHED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'undelivered', 'rejected']);

export function deliveryOutcome(status: string): DeliveryOutcome {
  if (REACHED.has(status)) return 'reached';
  if (FAILED.has(status)) return 'failed';
  return 'under_way';
}

const MESSAGE: Record<Channel, string> = { sms: 'SMS', voice: 'Call', whatsapp: 'WhatsApp message' };

const ASK_FOR: Record<Channel, string> = {
  sms: 'ask for an SMS',
  voice: 'ask for a call',
  whatsapp: 'ask for it on WhatsApp',
};

const COMING_INSTEAD: Record<Channel, string> = {
  sms: 'an SMS is coming instead',
  voice: 'a call is coming instead',
  whatsapp: 'a WhatsApp message is coming instead',
};

/** What the visitor can expect after a failure: the service's own follow-up, or what the page offers. */
export interface AfterFailure {
  /** The channel the service moves to by itself (the visitor asked for e.g. "SMS, then a call"). */
  followUp: Channel | undefined;
  /** The first other way the page offers (none: the visitor can only check the number and resend). */
  alternative: Channel | undefined;
}

/** "SMS delivered", "SMS failed: ask for a call". */
export function deliveryLine(channel: Channel, status: string, after: AfterFailure): string {
  if (deliveryOutcome(status) !== 'failed') return `${MESSAGE[channel]} ${status}`;
  const next = after.followUp
    ? COMING_INSTEAD[after.followUp]
    : after.alternative
      ? ASK_FOR[after.alternative]
      : 'check the number, then resend';
  return `${MESSAGE[channel]} failed: ${next}`;
}
