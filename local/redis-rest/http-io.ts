import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyOutcome = { tooLarge: false; body: Buffer } | { tooLarge: true };

// An oversized body is still drained (up to a hard cap) before answering 413: fetch clients
// report a reset socket instead of the response when the server stops reading mid-upload.
const DRAIN_FACTOR = 4;

export function readBody(request: IncomingMessage, limitBytes: number): Promise<BodyOutcome> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > limitBytes * DRAIN_FACTOR) {
      settled = true;
      resolve({ tooLarge: true });
      return;
    }
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limitBytes) chunks.push(chunk);
      else if (received > limitBytes * DRAIN_FACTOR && !settled) {
        settled = true;
        resolve({ tooLarge: true });
      }
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(received > limitBytes ? { tooLarge: true } : { tooLarge: false, body: Buffer.concat(chunks) });
    });
    request.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    // A client that hangs up mid-upload emits neither 'end' nor always 'error'.
    request.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new Error('Client closed the connection before sending the whole body'));
    });
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const body = Buffer.from(json, 'utf8');
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(body.length),
    ...headers,
  });
  response.end(body);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
