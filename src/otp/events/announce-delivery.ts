import type { DeliveryReport, EventSink } from '../ports.ts';
import type { EventContexts } from './event-context.ts';
import { eventIdFor } from './event-id.ts';
import type { DeliveryStatus } from './service-event.ts';

const FINAL_STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>(['delivered', 'failed', 'undelivered']);

/**
 * `delivery.updated` for a final status of a message sent while events were on (its sealed
 * context names the verification and the app). Intermediate statuses (`queued`, `sent`) tell a
 * backend nothing it can act on and are not sent. The id is derived from the message and status,
 * so the provider repeating a report yields the same event.
 */
export async function announceDelivery(
  report: DeliveryReport,
  sealedContext: string,
  nowMs: number,
  deps: { events: EventSink; eventContexts: EventContexts },
): Promise<void> {
  if (!FINAL_STATUSES.has(report.status)) return;
  const context = await deps.eventContexts.open(sealedContext);
  // Sealed under another OTP_SECRET (rotated since): the verification cannot be named.
  if (!context) return;
  deps.events.emit({
    id: await eventIdFor('delivery.updated', `${report.messageUuid}\n${report.status}`),
    type: 'delivery.updated',
    occurredAtMs: nowMs,
    data: {
      verificationId: context.verificationId,
      app: context.appId,
      channel: context.channel,
      to: context.to,
      country: report.country,
      status: report.status as DeliveryStatus,
    },
  });
}
