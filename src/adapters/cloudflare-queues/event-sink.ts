import type { EventMessage, ExpiryWatch } from '../../otp/events/event-message.ts';
import type { ServiceEvent } from '../../otp/events/service-event.ts';
import type { EventSink, OperatorLog } from '../../otp/ports.ts';

/** Cloudflare Queues' longest delivery delay (12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/**
 * Events onto the EVENTS queue (Cloudflare Queues), each send inside `waitUntil`: the caller's
 * answer never waits for it and no store round trip is added. If the queue refuses, the event is
 * lost and the request's log line says so; everything after the queue accepted it is at least once.
 */
export function createQueueEventSink(
  queue: Queue<EventMessage>,
  appId: string,
  enabled: boolean,
  nowMs: () => number,
  waitUntil: (promise: Promise<unknown>) => void,
  log: Pick<OperatorLog, 'detail'>,
): EventSink {
  function send(message: EventMessage, delaySeconds: number) {
    waitUntil(
      queue.send(message, { contentType: 'json', delaySeconds }).catch(() => {
        log.detail(`event not queued (${message.kind === 'deliver' ? message.event.type : 'expiry watch'})`);
      }),
    );
  }
  return {
    enabled,
    appId,
    emit(event: ServiceEvent) {
      send({ kind: 'deliver', appId: event.data.app, event }, 0);
    },
    watchExpiry(watch: ExpiryWatch) {
      // A second past the expiry, so the record the consumer reads has certainly expired.
      const delay = Math.ceil((watch.expiresAtMs - nowMs()) / 1000) + 1;
      send(
        { kind: 'expiry', appId: watch.data.app, watch },
        Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, delay)),
      );
    },
  };
}

/** Events off (no EVENTS binding, or no webhook for the app): nothing is built, nothing is sent. */
export function disabledEventSink(appId: string): EventSink {
  return { enabled: false, appId, emit() {}, watchExpiry() {} };
}
