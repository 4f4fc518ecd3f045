import type { Channel } from '../channel.ts';

/**
 * What the service tells an app's backend, by signed webhook (docs/events.md). The names follow
 * Twilio Verify's and Prelude's vocabulary so a backend moving from either reads them at a glance.
 */
export const EVENT_TYPES = [
  'verification.sent',
  'verification.approved',
  'verification.canceled',
  'verification.expired',
  'verification.max_attempts',
  'verification.channel_switched',
  'delivery.updated',
  'guard.refused',
  'guard.challenged',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The provider's final word on one message: what `delivery.updated` reports. */
export type DeliveryStatus = 'delivered' | 'failed' | 'undelivered';

/**
 * An event's facts. Never a code, never a number in clear: `to` is masked as in the logs
 * (src/phone/mask-phone.ts). `verificationId` is absent from `guard.*` (refused before one existed).
 */
export interface EventData {
  verificationId?: string | undefined;
  /** The app the verification belongs to (`default` for a single-app deployment). */
  app: string;
  channel: Channel;
  /** The number, masked: country code and last two digits. Absent where the service does not hold it then. */
  to?: string | undefined;
  /** ISO 3166-1 alpha-2; `XX` for non-geographic numbers. */
  country: string;
  /** `verification.sent`, `verification.expired`: when the code stops working (ISO 8601). */
  expiresAt?: string | undefined;
  /** `verification.channel_switched`: the channel the previous code went out on. */
  previousChannel?: Channel | undefined;
  /** `verification.channel_switched`: `user` asked, or `service` (an `auto` SMS failed). */
  by?: 'user' | 'service' | undefined;
  /** `delivery.updated`. */
  status?: DeliveryStatus | undefined;
  /** `guard.*`: which limit or cell refused (docs/abuse-defense.md). */
  scope?: string | undefined;
}

/**
 * One event as queued and delivered. `id` is stable across every retry and replay (the
 * `webhook-id` header), so a backend de-duplicates on it; for events that happen at most once per
 * verification it is derived from the verification id, so even a second emission of the same
 * fact (two cancels) carries the same id.
 */
export interface ServiceEvent {
  id: string;
  type: EventType;
  /** When it happened (epoch ms); the payload's `timestamp`. */
  occurredAtMs: number;
  data: EventData;
}

/** The JSON body a webhook carries: Standard Webhooks' recommended `type`, `timestamp`, `data`. */
export function eventPayload(event: ServiceEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.occurredAtMs).toISOString(),
    data: event.data,
  });
}
