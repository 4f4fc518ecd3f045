import { inject } from 'vitest';
import type { TestApp } from './stack.ts';

/**
 * Delivery callbacks as the Plivo sandbox really sent them. The sandbox posts to PUBLIC_BASE_URL +
 * /webhooks/plivo/status; in tests that base is the callback relay started by test/global-setup.ts
 * (local/stand-ins/callback-relay.ts), which records each request verbatim so it can be replayed into the
 * Worker: the signatures were made by the sandbox, not by the test.
 */
export const relayUrl = inject('callbackRelayUrl');

// Provided by test/global-setup.ts, which the Worker tests' tsconfig does not include.
declare module 'vitest' {
  export interface ProvidedContext {
    callbackRelayUrl: string;
  }
}
export const STATUS_PATH = '/webhooks/plivo/status';

export interface RelayedCallback {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

/** The form fields (POST body) or query parameters (GET) of a callback. */
export function fieldsOf(callback: RelayedCallback): URLSearchParams {
  if (callback.method === 'GET') return new URL(callback.path, 'http://relay').searchParams;
  return new URLSearchParams(callback.body);
}

/** Waits until the relay holds `count` callbacks for this Plivo message; ordered by Sequence. */
export async function callbacksFor(
  messageUuid: string,
  count: number,
  timeoutMs = 10_000,
): Promise<RelayedCallback[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = (await (await fetch(`${relayUrl}/__relay/requests`)).json()) as RelayedCallback[];
    const mine = all
      .filter((callback) => fieldsOf(callback).get('MessageUUID') === messageUuid)
      .sort((a, b) => Number(fieldsOf(a).get('Sequence')) - Number(fieldsOf(b).get('Sequence')));
    if (mine.length >= count) return mine;
    if (Date.now() > deadline)
      throw new Error(`relay has ${mine.length} of ${count} callbacks for ${messageUuid}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Hop-by-hop headers the relay saw that a new request must not copy. */
const NOT_REPLAYED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/**
 * Sends a recorded callback to the Worker as it arrived: same method, path, headers and body.
 * `headers` overrides (undefined removes a header); `body` and `path` replace the recorded ones.
 */
export function replay(
  app: TestApp,
  callback: RelayedCallback,
  change: { body?: string; path?: string; headers?: Record<string, string | undefined> } = {},
): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(callback.headers)) {
    if (!NOT_REPLAYED.has(name)) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  }
  return app.call(change.path ?? callback.path, {
    method: callback.method,
    headers,
    ...(callback.method === 'GET' ? {} : { body: change.body ?? callback.body }),
  });
}

/** Every Plivo signature header removed, or only the V3 ones. */
export const WITHOUT_SIGNATURES = {
  'x-plivo-signature-v3': undefined,
  'x-plivo-signature-v3-nonce': undefined,
  'x-plivo-signature-v2': undefined,
  'x-plivo-signature-v2-nonce': undefined,
};
export const WITHOUT_V3 = { 'x-plivo-signature-v3': undefined, 'x-plivo-signature-v3-nonce': undefined };
