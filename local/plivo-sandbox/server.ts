// A local stand-in for Plivo's Message API (SMS and WhatsApp) and Call API: the service's real client
// code talks to it with only the base URL changed. Messages and calls land in memory and in an inbox
// page, delivery-status callbacks and answer/hangup requests go out signed like Plivo's, and tests
// can inject faults and latency.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { checkBrowserLockdown } from '../support/browser-lockdown.ts';
import { FaultInjector } from '../support/faults.ts';
import { closeServer, listen } from '../support/http.ts';
import { sendHtml } from '../support/http-responses.ts';
import { CALL_PATH, handleMakeCall } from './call-endpoint.ts';
import { CallSimulator } from './call-simulator.ts';
import { CallStore, type SandboxCall } from './calls.ts';
import { DeliverySimulator } from './delivery-simulator.ts';
import { sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import { inboxContentSecurityPolicy, renderInboxList, renderInboxPage } from './inbox-page.ts';
import { handleSendMessage, MESSAGE_PATH } from './message-endpoint.ts';
import type { SandboxMessage } from './messages.ts';
import { MessageStore, SendAttemptLog } from './messages.ts';
import { clearCalls, clearTraffic, handleSandboxApi } from './sandbox-api.ts';
import type { SandboxContext } from './sandbox-context.ts';

export type { CallStatus, SandboxCall } from './calls.ts';
export type { MessageStatus, MessageType, SandboxMessage, SendAttempt } from './messages.ts';
export type { WhatsAppTemplate } from './whatsapp-template.ts';

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
  /** How long a call rings before the callee answers and the answer URL is requested. Default 100. */
  callAnswerDelayMs?: number;
  /** Called for each accepted message (the CLI prints them). */
  onMessage?: (message: SandboxMessage) => void;
  /** Called for each accepted call, before it is answered. */
  onCall?: (call: SandboxCall) => void;
  /** Where brief diagnostics go (failed callbacks, handler errors). Default: stderr. */
  log?: (line: string) => void;
  /**
   * Resets the dev Worker's limits in the local Redis (local/limit-reset.ts): what the inbox's
   * "Reset local limits" button and `POST /__sandbox/limits/reset` run. Without it they answer 404.
   */
  resetLimits?: () => Promise<{ deleted: number; patterns: string[] }>;
}

export interface PlivoSandbox {
  /** http://127.0.0.1:PORT, no trailing slash: use it as the Plivo base URL. */
  url: string;
  /** Newest first. */
  messages(): SandboxMessage[];
  /** Newest first. */
  calls(): SandboxCall[];
  /** Forgets messages, calls and send attempts, disarms faults and stops pending callbacks and calls. */
  clear(): void;
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_DELAY_MS = 200;
export const DEFAULT_CALL_ANSWER_DELAY_MS = 100;

export async function startPlivoSandbox(options: PlivoSandboxOptions): Promise<PlivoSandbox> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const callbackDelayMs = options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS;
  const callAnswerDelayMs = options.callAnswerDelayMs ?? DEFAULT_CALL_ANSWER_DELAY_MS;
  requireText('authId', options.authId);
  requireText('authToken', options.authToken);
  requireInteger('port', port, 0, 65_535);
  requireInteger('latencyMs', latencyMs, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('callbackDelayMs', callbackDelayMs, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('callAnswerDelayMs', callAnswerDelayMs, 0, Number.MAX_SAFE_INTEGER);

  const log = options.log ?? ((line: string) => process.stderr.write(`[plivo-sandbox] ${line}\n`));
  const shutdown = new AbortController();
  const messages = new MessageStore();
  const calls = new CallStore();
  const context: SandboxContext = {
    bindHost: host,
    authId: options.authId,
    authToken: options.authToken,
    latencyMs,
    messages,
    calls,
    attempts: new SendAttemptLog(),
    faults: { message: new FaultInjector(), call: new FaultInjector() },
    delivery: new DeliverySimulator({
      authToken: options.authToken,
      stepDelayMs: callbackDelayMs,
      onStatus: (uuid, status) => messages.setStatus(uuid, status),
      log,
    }),
    callSimulator: new CallSimulator({
      authToken: options.authToken,
      answerDelayMs: callAnswerDelayMs,
      onUpdate: (uuid, change) => calls.update(uuid, change),
      log,
    }),
    shutdown: shutdown.signal,
    onMessage: options.onMessage ?? (() => {}),
    onCall: options.onCall ?? (() => {}),
    log,
    resetLimits: options.resetLimits,
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
    calls: () => calls.list(),
    clear: () => {
      context.faults.message.clear();
      context.faults.call.clear();
      void clearTraffic(context);
      void clearCalls(context);
    },
    close: () => {
      closing ??= (async () => {
        shutdown.abort();
        await Promise.all([closeServer(server), context.delivery.close(), context.callSimulator.close()]);
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
  // Any web page in the developer's browser can reach this port: refuse rebinding pages (a Host
  // that is not a local name) and other origins, before anything (local/support/browser-lockdown.ts).
  // The inbox page's own requests carry this server's origin and pass.
  const lockdown = checkBrowserLockdown(request, { bindHost: context.bindHost, allowOwnOrigin: true });
  if (!lockdown.ok) {
    sendPlivoError(response, lockdown.status, lockdown.reason, { connection: 'close' });
    return;
  }
  // Only the path and query matter; a fixed base keeps a hostile Host header out of URL parsing.
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');

  const accountId = MESSAGE_PATH.exec(url.pathname)?.[1];
  if (accountId !== undefined) {
    if (method === 'POST') await handleSendMessage(context, request, response, accountId);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }

  const callAccountId = CALL_PATH.exec(url.pathname)?.[1];
  if (callAccountId !== undefined) {
    if (method === 'POST') await handleMakeCall(context, request, response, callAccountId);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }

  if (url.pathname === '/') {
    if (method === 'GET' || method === 'HEAD') serveInbox(context, response, url.searchParams.get('part'));
    else sendMethodNotAllowed(response, ['GET', 'HEAD']);
    return;
  }

  if (await handleSandboxApi(context, request, response, url)) return;
  sendPlivoError(response, 404, 'not found');
}

function serveInbox(context: SandboxContext, response: ServerResponse, part: string | null): void {
  const headers = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
  if (part === 'inbox') {
    // Markup only, no style or script: the page script parses it inertly and adopts the list.
    const html = renderInboxList(context.messages.list(), context.calls.list());
    sendHtml(response, html, { ...headers, 'content-security-policy': "default-src 'none'" });
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  const html = renderInboxPage(context.messages.list(), context.calls.list(), {
    authId: context.authId,
    nonce,
    limitReset: context.resetLimits !== undefined,
  });
  sendHtml(response, html, { ...headers, 'content-security-policy': inboxContentSecurityPolicy(nonce) });
}
