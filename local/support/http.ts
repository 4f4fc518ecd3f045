// What every local HTTP server (the REST server, the Plivo sandbox, the stand-ins) needs from
// node:http: listening with startup errors as rejections, closing without waiting for idle
// keep-alive sockets, and reading a bounded body.

import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and answers the base URL, e.g. http://127.0.0.1:8079 (no trailing slash). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
}

/** Stops listening and drops open connections, keep-alive ones included. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** The address to put in URLs: a wildcard bind is reached through loopback, IPv6 needs brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export interface BodyText {
  text: string;
  tooLarge: boolean;
}

/** The whole body as UTF-8, keeping at most `limitBytes` (the rest is drained so the client can finish sending). */
export async function readBodyText(request: IncomingMessage, limitBytes: number): Promise<BodyText> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size <= limitBytes) chunks.push(buffer);
  }
  const tooLarge = size > limitBytes;
  return { text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge };
}
