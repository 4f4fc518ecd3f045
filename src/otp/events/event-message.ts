import type { EventData, ServiceEvent } from './service-event.ts';

/**
 * A verification to look at when its code expires: the consumer re-reads it then and emits
 * `verification.expired` (with `eventId`, fixed now, so a re-run check yields the same event) only
 * if it is still pending with attempts left. Carries no number in clear and no code.
 */
export interface ExpiryWatch {
  eventId: string;
  verificationId: string;
  expiresAtMs: number;
  data: EventData;
}

/**
 * What travels through the events queue: an event to deliver to `appId`'s webhook, or an expiry
 * watch to run at the code's expiry. The webhook's URL and secrets are not in it: the consumer
 * resolves them from its configuration, so a rotated secret applies to retries already queued.
 */
export type EventMessage =
  | { kind: 'deliver'; appId: string; event: ServiceEvent }
  | { kind: 'expiry'; appId: string; watch: ExpiryWatch };
