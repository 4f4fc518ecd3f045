import type { WebhookAttempt, WebhookDestination, WebhookSender } from '../../otp/events/delivery-ports.ts';
import { eventPayload, type ServiceEvent } from '../../otp/events/service-event.ts';
import type { Clock } from '../../otp/ports.ts';
import { standardWebhookHeaders } from './standard-webhooks.ts';

/**
 * POSTs one signed event and says whether the receiver took it: any 2xx within `timeoutMs`.
 * Redirects are not followed (a 3xx is a failure): the signed URL is the only destination. The
 * response body is never read beyond its status, so a receiver cannot make the consumer buffer it.
 */
export function createWebhookSender(options: { timeoutMs: number; clock: Clock }): WebhookSender {
  return {
    async send(destination: WebhookDestination, event: ServiceEvent): Promise<WebhookAttempt> {
      const body = eventPayload(event);
      const timestamp = Math.floor(options.clock.nowMs() / 1000);
      const headers = await standardWebhookHeaders(event.id, timestamp, body, destination.secrets);
      try {
        const response = await fetch(destination.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'otp-edge-webhooks', ...headers },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await response.body?.cancel();
        return response.ok
          ? { kind: 'delivered', status: response.status }
          : { kind: 'failed', reason: `status ${response.status}` };
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
        return { kind: 'failed', reason: timedOut ? 'timeout' : 'network error' };
      }
    },
  };
}
