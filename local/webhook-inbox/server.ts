// A local receiver for the Worker's event webhooks, like the Plivo sandbox's inbox: it takes each
// delivery, checks its Standard Webhooks signature with the secrets it was given, and shows them
// on a page. It can be told to be "down" (answer 503) for a while, to watch retries recover.

import { createServer } from 'node:http';
import { checkBrowserLockdown } from '../support/browser-lockdown.ts';
import { closeServer, listen, readBodyText } from '../support/http.ts';
import { sendHtml, sendJson, sendNoContent } from '../support/http-responses.ts';
import { renderWebhookInbox } from './page.ts';
import { checkStandardWebhook, type SignatureVerdict } from './signature.ts';

/** Where the Worker posts its events on this server. */
export const WEBHOOK_PATH = '/webhook';
const MAX_BODY_BYTES = 64 * 1024;

export interface ReceivedEvent {
  id: string;
  type: string;
  timestamp: string;
  signatureHeader: string;
  body: string;
  signature: SignatureVerdict;
  /** The same `webhook-id` arrived before (a retry after a lost answer, or a replay). */
  duplicate: boolean;
  receivedAt: string;
}

export interface WebhookInboxOptions {
  /** The `whsec_…` secrets the Worker signs with. */
  secrets: readonly string[];
  port?: number;
  host?: string;
  /** Oldest events are forgotten beyond this many. Default 20,000 (the bench's thousands fit). */
  maxEvents?: number;
}

export interface WebhookInbox {
  /** http://host:port, no trailing slash. */
  url: string;
  /** The EVENT_WEBHOOK_URL to give the Worker. */
  webhookUrl: string;
  events(): ReceivedEvent[];
  close(): Promise<void>;
}

export async function startWebhookInbox(options: WebhookInboxOptions): Promise<WebhookInbox> {
  const maxEvents = options.maxEvents ?? 20_000;
  let events: ReceivedEvent[] = [];
  const seen = new Set<string>();
  let downUntilMs = 0;
  let refused = 0;

  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    // Like the sandboxes: no other web page in the developer's browser may drive or read it.
    const lockdown = checkBrowserLockdown(request, { bindHost: host, allowOwnOrigin: true });
    if (!lockdown.ok) return sendJson(response, lockdown.status, { error: lockdown.reason });
    const path = (request.url ?? '/').split('?', 1)[0];
    readBodyText(request, MAX_BODY_BYTES).then(
      ({ text, tooLarge }) => {
        if (tooLarge) return sendJson(response, 413, { error: 'body too large' });
        if (path === WEBHOOK_PATH && request.method === 'POST') {
          if (Date.now() < downUntilMs) {
            refused += 1;
            return sendJson(response, 503, { error: 'down (webhook inbox told to be)' });
          }
          const header = (name: string) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          };
          const id = header('webhook-id') ?? '';
          let type = '(not JSON)';
          try {
            type = String((JSON.parse(text) as { type?: unknown }).type);
          } catch {}
          events.push({
            id,
            type,
            timestamp: header('webhook-timestamp') ?? '',
            signatureHeader: header('webhook-signature') ?? '',
            body: text,
            signature: checkStandardWebhook(
              { id, timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
              text,
              options.secrets,
            ),
            duplicate: seen.has(id),
            receivedAt: new Date().toISOString(),
          });
          seen.add(id);
          if (events.length > maxEvents) events = events.slice(-maxEvents);
          return sendNoContent(response);
        }
        if (path === '/__events' && request.method === 'GET') {
          return sendJson(response, 200, { events, refused, down: Date.now() < downUntilMs });
        }
        if (path === '/__events' && request.method === 'DELETE') {
          events = [];
          seen.clear();
          refused = 0;
          return sendNoContent(response);
        }
        if (path === '/__down' && request.method === 'POST') {
          // JSON {"seconds": n} from tests and scripts, or the page's form (seconds=60).
          const seconds = Number(
            /^\s*\{/.test(text)
              ? (JSON.parse(text) as { seconds?: unknown }).seconds
              : new URLSearchParams(text).get('seconds'),
          );
          downUntilMs = Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000;
          return request.headers['content-type']?.includes('json')
            ? sendJson(response, 200, { downUntil: new Date(downUntilMs).toISOString() })
            : redirectHome(response);
        }
        if (path === '/__up' && request.method === 'POST') {
          downUntilMs = 0;
          return request.headers['content-type']?.includes('json')
            ? sendJson(response, 200, { down: false })
            : redirectHome(response);
        }
        if (path === '/' && request.method === 'GET') {
          return sendHtml(response, renderWebhookInbox(events, { downUntilMs, refused }), {
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
          });
        }
        return sendJson(response, 404, { error: 'not found' });
      },
      () => sendJson(response, 400, { error: 'unreadable body' }),
    );
  });
  const url = await listen(server, options.port ?? 0, host);
  return {
    url,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    events: () => events,
    close: () => closeServer(server),
  };
}

function redirectHome(response: import('node:http').ServerResponse): void {
  response.writeHead(303, { location: '/', 'cache-control': 'no-store' });
  response.end();
}
