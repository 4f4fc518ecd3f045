import { hourBucket } from '../stats/hour-bucket.ts';
import type {
  EventQueue,
  VerificationSnapshots,
  WebhookDeliveryCounter,
  WebhookDestination,
  WebhookOutcome,
  WebhookSender,
} from './events/delivery-ports.ts';
import type { EventMessage, ExpiryWatch } from './events/event-message.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { Clock } from './ports.ts';
import type { VerificationIds } from './verification-id.ts';
import { openVerificationRef } from './verification-ref.ts';

/** Cloudflare Queues' longest retry delay (12 hours). */
const MAX_RETRY_DELAY_SECONDS = 43_200;

export interface DeliverEventsDeps {
  /** src/config/event-webhook.ts: the app's webhook now (a rotated secret applies to retries). */
  destinationFor(appId: string): WebhookDestination | undefined;
  webhooks: WebhookSender;
  counter: WebhookDeliveryCounter;
  /** For expiry watches: the verification's state when its code expired. */
  snapshots: VerificationSnapshots;
  queue: EventQueue;
  verificationIds: VerificationIds;
  hasher: KeyedHasher;
  /** OTP_MAX_ATTEMPTS: a verification whose attempts are used up did not expire, it was burned. */
  maxAttempts: number;
  /** EVENT_WEBHOOK_RETRY_BASE_SECONDS. */
  retryBaseSeconds: number;
  clock: Clock;
}

/** One queued message as the consumer got it; `attempts` counts from 1 (Cloudflare Queues' own count). */
export interface QueuedMessage {
  body: EventMessage;
  attempts: number;
}

/** What becomes of a message: taken (`ack`) or tried again later (the queue dead-letters it after max_retries). */
export type MessageFate = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number };

/**
 * The events queue's consumer, one batch: each event is signed and POSTed to its app's webhook
 * (at least once: the receiver de-duplicates on `webhook-id`, which never changes), a failure is
 * retried after EVENT_WEBHOOK_RETRY_BASE_SECONDS × 2^(attempt - 1); each expiry watch re-reads
 * its verification and queues `verification.expired` only if it is still pending with attempts
 * left. Attempts are counted per hour for /admin/stats in one round trip for the batch.
 */
export async function deliverEvents(
  messages: readonly QueuedMessage[],
  deps: DeliverEventsDeps,
): Promise<MessageFate[]> {
  const counts: Partial<Record<WebhookOutcome, number>> = {};
  const fates = await Promise.all(
    messages.map(async (message): Promise<MessageFate> => {
      const { body } = message;
      if (body.kind === 'expiry') return watchExpiry(body.appId, body.watch, message.attempts, deps);
      const destination = deps.destinationFor(body.appId);
      // The app's webhook was removed since: nobody to tell.
      if (!destination) return { kind: 'ack' };
      const attempt = await deps.webhooks.send(destination, body.event);
      counts[attempt.kind] = (counts[attempt.kind] ?? 0) + 1;
      return attempt.kind === 'delivered' ? { kind: 'ack' } : retryLater(message.attempts, deps);
    }),
  );
  // Counts are for the operator's view: a store that cannot take them must not make delivered
  // events go out again.
  await deps.counter.count(hourBucket(deps.clock.nowMs()), counts).catch(() => undefined);
  return fates;
}

export function retryLater(attempts: number, deps: Pick<DeliverEventsDeps, 'retryBaseSeconds'>): MessageFate {
  const delay = deps.retryBaseSeconds * 2 ** Math.max(0, attempts - 1);
  return { kind: 'retry', delaySeconds: Math.min(MAX_RETRY_DELAY_SECONDS, Math.round(delay)) };
}

async function watchExpiry(
  appId: string,
  watch: ExpiryWatch,
  attempts: number,
  deps: DeliverEventsDeps,
): Promise<MessageFate> {
  const ref = await openVerificationRef(watch.verificationId, deps.verificationIds, deps.hasher, appId);
  if (!ref) return { kind: 'ack' };
  try {
    const snapshot = await deps.snapshots.read(ref);
    const expired =
      snapshot !== undefined &&
      snapshot.status === 'pending' &&
      snapshot.attemptsUsed < deps.maxAttempts &&
      deps.clock.nowMs() >= snapshot.expiresAtMs;
    if (!expired) return { kind: 'ack' };
    await deps.queue.enqueue([
      {
        appId,
        event: {
          id: watch.eventId,
          type: 'verification.expired',
          occurredAtMs: snapshot.expiresAtMs,
          data: watch.data,
        },
      },
    ]);
    return { kind: 'ack' };
  } catch {
    // The store or the queue could not answer: look again later (the record outlives its code by
    // VERIFICATION_RETENTION_SECONDS).
    return retryLater(attempts, deps);
  }
}
