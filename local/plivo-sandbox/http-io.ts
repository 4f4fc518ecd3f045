import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyText, readBodyText } from '../support/http.ts';
import { sendJson } from '../support/http-responses.ts';

/** Larger than any SMS request needs; stops a runaway client from filling memory. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the whole body, keeping at most MAX_BODY_BYTES (the rest is drained so the client can finish sending). */
export function readBody(request: IncomingMessage): Promise<BodyText> {
  return readBodyText(request, MAX_BODY_BYTES);
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

export function sendMethodNotAllowed(response: ServerResponse, allowed: readonly string[]): void {
  sendPlivoError(response, 405, 'method not allowed', { allow: allowed.join(', ') });
}
