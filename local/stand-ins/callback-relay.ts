// A stand-in for the service's public address in tests. The Worker under test runs inside workerd
// and cannot listen, so the Plivo sandbox sends its signed delivery callbacks here instead; the
// relay keeps each request exactly as it arrived (method, path, headers, raw body) and hands them
// out at `GET /__relay/requests`, so a test can replay them verbatim into the Worker.

import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, listen, readBodyText } from '../support/http.ts';

export interface RelayedRequest {
  method: string;
  /** Path and query as requested, e.g. `/webhooks/plivo/status` or `/webhooks/plivo/status?a=b`. */
  path: string;
  /** Lower-case names; a repeated header is joined with `, ` as fetch would. */
  headers: Record<string, string>;
  /** The raw body, decoded as UTF-8 (callbacks are forms); empty for GET. */
  body: string;
  receivedAt: string;
}

export interface CallbackRelay {
  /** http://127.0.0.1:PORT, no trailing slash: the PUBLIC_BASE_URL to give the Worker. */
  url: string;
  requests(): RelayedRequest[];
  close(): Promise<void>;
}

export interface CallbackRelayOptions {
  /** 0 = a random free port (the default). */
  port?: number;
  /** Oldest requests are forgotten beyond this many. Default 2000. */
  maxRequests?: number;
}

export const RELAY_REQUESTS_PATH = '/__relay/requests';
const MAX_BODY_BYTES = 64 * 1024;

export async function startCallbackRelay(options: CallbackRelayOptions = {}): Promise<CallbackRelay> {
  const maxRequests = options.maxRequests ?? 2000;
  let recorded: RelayedRequest[] = [];

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path.split('?', 1)[0] === RELAY_REQUESTS_PATH) {
      if (request.method === 'DELETE') recorded = [];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(request.method === 'DELETE' ? '[]' : JSON.stringify(recorded));
      return;
    }
    readBodyText(request, MAX_BODY_BYTES).then(
      ({ text: body, tooLarge }) => {
        if (tooLarge) {
          response.writeHead(413, { 'content-type': 'text/plain' });
          response.end('body too large');
          return;
        }
        recorded.push({
          method: request.method ?? 'GET',
          path,
          headers: flattenHeaders(request),
          body,
          receivedAt: new Date().toISOString(),
        });
        if (recorded.length > maxRequests) recorded = recorded.slice(-maxRequests);
        // Plivo XML that hangs up: a call's answer request relayed here gets a call the sandbox can
        // play (it ends at once; the test replays the request into the Worker to hear the code),
        // rather than a call failed on unreadable XML and a diagnostic line in the test output.
        // A delivery callback's answer body is ignored, by Plivo as by the sandbox.
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.end('<Response><Hangup/></Response>');
      },
      () => {
        response.writeHead(413, { 'content-type': 'text/plain' });
        response.end('body too large');
      },
    );
  });

  const url = await listen(server, options.port ?? 0, '127.0.0.1');

  return {
    url,
    requests: () => [...recorded],
    close: () => closeServer(server),
  };
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
