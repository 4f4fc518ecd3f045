import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyText, readBodyText } from '../support/http.ts';

/** Larger than any SMS request needs; stops a runaway client from filling memory. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the whole body, keeping at most MAX_BODY_BYTES (the rest is drained so the client can finish sending). */
export function readBody(request: IncomingMessage): Promise<BodyText> {
  return readBodyText(request, MAX_BODY_BYTES);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(payload);
}

/** Plivo's error shape: every response names its request with a fresh api_id. */
export function sendPlivoError(
  response: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { api_id: randomUUID(), error }, headers);
}

export function sendNoContent(response: ServerResponse): void {
  response.writeHead(204, { 'cache-control': 'no-store' });
  response.end();
}

export function sendMethodNotAllowed(response: ServerResponse, allowed: readonly string[]): void {
  sendPlivoError(response, 405, 'method not allowed', { allow: allowed.join(', ') });
}

export function sendHtml(response: ServerResponse, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(html);
}
