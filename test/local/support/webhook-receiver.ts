// A tiny HTTP server standing in for the service's webhooks (answer URL, hangup URL, status URL):
// it keeps every request as it arrived and answers what the test tells it to.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Absolute URL as the receiver saw it, query included. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The form fields (POST) or query parameters (GET). */
  fields: Record<string, string>;
}

export interface Reply {
  status: number;
  contentType?: string;
  body?: string;
}

export interface WebhookReceiver {
  base: string;
  received: ReceivedRequest[];
  /** Decides each answer; default 200 with no body. */
  reply: (request: ReceivedRequest) => Reply;
  /** The requests to paths starting with `pathPrefix`, once at least `count` have arrived. */
  waitFor(pathPrefix: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', receiver.base);
      const source = request.method === 'GET' ? url.searchParams : new URLSearchParams(body);
      const entry: ReceivedRequest = {
        method: request.method ?? '',
        url: url.href,
        path: url.pathname,
        headers: request.headers,
        body,
        fields: Object.fromEntries(source),
      };
      received.push(entry);
      const reply = receiver.reply(entry);
      response.writeHead(reply.status, reply.contentType ? { 'content-type': reply.contentType } : {});
      response.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: WebhookReceiver = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    reply: () => ({ status: 200 }),
    async waitFor(pathPrefix, count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      const matching = () => received.filter((entry) => entry.path.startsWith(pathPrefix));
      while (matching().length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} requests to ${pathPrefix}, got ${matching().length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return matching();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}
