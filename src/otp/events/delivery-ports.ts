import type { VerificationRef } from '../ports.ts';
import type { ServiceEvent } from './service-event.ts';

/**
 * The ports the events queue's consumer works with (./deliver-event.ts, ./dead-events.ts):
 * the webhook itself, the store's dead letters and delivery counters, and a plain read of a
 * verification's state for expiry watches. None of them is on a caller's request path.
 */

/** An app's webhook: where its events go and the Standard Webhooks secrets (`whsec_…`) that sign them. */
export interface WebhookDestination {
  readonly url: string;
  /** Every one signs each delivery (rotation: add the new one first, drop the old one later). */
  readonly secrets: readonly string[];
}

export type WebhookAttempt =
  | { kind: 'delivered'; status: number }
  /** `reason`: `status 503`, `timeout`, `network error`: for the dead record and the log. */
  | { kind: 'failed'; reason: string };

/** Signs and POSTs one event to a webhook (src/adapters/webhook-http/). */
export interface WebhookSender {
  send(destination: WebhookDestination, event: ServiceEvent): Promise<WebhookAttempt>;
}

export type WebhookOutcome = 'delivered' | 'failed' | 'dead';

/** Hourly counts of webhook attempts for GET /admin/stats (`webhooks`): one round trip per batch. */
export interface WebhookDeliveryCounter {
  count(hourBucket: string, counts: Readonly<Partial<Record<WebhookOutcome, number>>>): Promise<void>;
}

/** An event that used every retry: kept for an operator to read and replay. */
export interface DeadEvent {
  appId: string;
  event: ServiceEvent;
  deadAtMs: number;
}

export interface DeadEventStore {
  put(dead: DeadEvent): Promise<void>;
  /** Oldest first, at most `limit`. */
  list(limit: number): Promise<DeadEvent[]>;
  /** Removes and returns them (all listed, or only `eventId`): the caller re-queues what it took. */
  take(eventId: string | undefined, limit: number): Promise<DeadEvent[]>;
}

/**
 * Puts events on the queue from the consumer or an admin request (an expiry watch's event, an
 * operator's replay), ids unchanged; resolves once the queue has them.
 */
export interface EventQueue {
  enqueue(events: readonly { appId: string; event: ServiceEvent }[]): Promise<void>;
}

/** A verification's state as an expiry watch needs it; undefined when the record is gone. */
export interface VerificationSnapshot {
  status: 'pending' | 'approved' | 'canceled';
  attemptsUsed: number;
  expiresAtMs: number;
}

export interface VerificationSnapshots {
  /** A plain read: counts against no caller, changes nothing. */
  read(ref: VerificationRef): Promise<VerificationSnapshot | undefined>;
}
