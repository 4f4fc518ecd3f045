// A local stand-in for Plivo's Message API: the service's real client code talks to it with only the
// base URL changed. Messages land in memory and in an inbox page, delivery-status callbacks go out
// signed like Plivo's, and tests can inject faults and latency.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { FaultInjector } from '../support/faults.ts';
import { closeServer, listen } from '../support/http.ts';
import { DeliverySimulator } from './delivery-simulator.ts';
import { sendHtml, sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import { inboxContentSecurityPolicy, renderInboxPage } from './inbox-page.ts';
import { handleSendMessage, MESSAGE_PATH } from './message-endpoint.ts';
import type { SandboxMessage } from './messages.ts';
import { MessageStore, SendAttemptLog } from './messages.ts';
import { clearTraffic, handleSandboxApi } from './sandbox-api.ts';
import type { SandboxContext } from './sandbox-context.ts';

export type { MessageStatus, SandboxMessage, SendAttempt } from './messages.ts';

export interface PlivoSandboxOptions {
  authId: string;
  authToken: string;
  /** 0 = a random free port (the default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Artificial delay on every Message API request, to emulate the distance to Plivo. Default 0. */
  latencyMs?: number;
  /** Gap between a message's status callbacks. Default 200. */
  callbackDelayMs?: number;
  /** Called for each accepted message (the CLI prints them). */
  onMessage?: (message: SandboxMessage) => void;
  /** Where brief diagnostics go (failed callbacks, handler errors). Default: stderr. */
  log?: (line: string) => void;
}

export interface PlivoSandbox {
  /** http://127.0.0.1:PORT, no trailing slash: use it as the Plivo base URL. */
  url: string;
  /** Newest first. */
  messages(): SandboxMessage[];
  /** Forgets messages and send attempts, disarms faults and stops pending callbacks. */
  clear(): void;
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_DELAY_MS = 200;

export async function startPlivoSandbox(options: PlivoSandboxOptions): Promise<PlivoSandbox> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const callbackDelayMs = options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS;
  requireText('authId', options.authId);
  requireText('authToken', options.authToken);
  requireInteger('port', port, 0, 65_535);
  requireInteger('latencyMs', latencyMs, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('callbackDelayMs', callbackDelayMs, 0, Number.MAX_SAFE_INTEGER);

  const log = options.log ?? ((line: string) => process.stderr.write(`[plivo-sandbox] ${line}\n`));
  const shutdown = new AbortController();
  const messages = new MessageStore();
  const context: SandboxContext = {
    authId: options.authId,
    authToken: options.authToken,
    latencyMs,
    messages,
    attempts: new SendAttemptLog(),
    faults: new FaultInjector(),
    delivery: new DeliverySimulator({
      authToken: options.authToken,
      stepDelayMs: callbackDelayMs,
      onStatus: (uuid, status) => messages.setStatus(uuid, status),
      log,
    }),
    shutdown: shutdown.signal,
    onMessage: options.onMessage ?? (() => {}),
    log,
  };

  const server = createServer((request, response) => {
    routeRequest(context, request, response).catch((error: unknown) => {
      // Nobody left to answer: the sandbox is closing (requests waiting out a delay are aborted) or
      // the client hung up mid-request.
      if (shutdown.signal.aborted || response.socket === null || response.socket.destroyed) return;
      log(
        `request ${request.method} ${request.url} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      if (!response.headersSent) sendPlivoError(response, 500, 'internal sandbox error');
      else response.destroy();
    });
  });
  // Unparseable HTTP never reaches the handler: answer it like any other bad request.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) {
      const body = JSON.stringify({ error: 'bad request' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });

  const url = await listen(server, port, host);

  let closing: Promise<void> | null = null;
  return {
    url,
    messages: () => messages.list(),
    clear: () => {
      context.faults.clear();
      void clearTraffic(context);
    },
    close: () => {
      closing ??= (async () => {
        shutdown.abort();
        await Promise.all([closeServer(server), context.delivery.close()]);
      })();
      return closing;
    },
  };
}

function requireText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
}

export async function routeRequest(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  // Only the path and query matter; a fixed base keeps a hostile Host header out of URL parsing.
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');

  const accountId = MESSAGE_PATH.exec(url.pathname)?.[1];
  if (accountId !== undefined) {
    if (method === 'POST') await handleSendMessage(context, request, response, accountId);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }

  if (url.pathname === '/') {
    if (method === 'GET' || method === 'HEAD') serveInbox(context, response);
    else sendMethodNotAllowed(response, ['GET', 'HEAD']);
    return;
  }

  if (await handleSandboxApi(context, request, response, url)) return;
  sendPlivoError(response, 404, 'not found');
}

function serveInbox(context: SandboxContext, response: ServerResponse): void {
  const nonce = randomBytes(16).toString('base64');
  const html = renderInboxPage(context.messages.list(), { authId: context.authId, nonce });
  sendHtml(response, html, {
    'content-security-policy': inboxContentSecurityPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
}
