// A local stand-in for Plivo's Message API (SMS and WhatsApp) and Call API: the service's real client
// code talks to it with only the base URL changed. Messages and calls land in memory and in an inbox
// page, delivery-status callbacks and answer/hangup requests go out signed like Plivo's, and tests
// can inject faults and latency.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBrowserLockdown } from '../support/browser-lockdown.ts';
import { closeServer, listen } from '../support/http.ts';
import { sendInboxList, sendInboxPage } from '../support/inbox/page.ts';
import { newApiFaults } from '../support/sandbox-fault-api.ts';
import { createSandboxServer } from '../support/sandbox-server.ts';
import { resolveSandboxSettings, type SandboxSettings } from '../support/sandbox-settings.ts';
import { CALL_PATH, handleMakeCall } from './call-endpoint.ts';
import { CallSimulator } from './call-simulator.ts';
import { CallStore, type SandboxCall } from './calls.ts';
import { DeliverySimulator } from './delivery-simulator.ts';
import { sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import { renderInboxList, renderInboxPage } from './inbox-page.ts';
import { handleSendMessage, MESSAGE_PATH } from './message-endpoint.ts';
import type { SandboxMessage } from './messages.ts';
import { MessageStore, SendAttemptLog } from './messages.ts';
import { clearCalls, clearTraffic, handleSandboxApi } from './sandbox-api.ts';
import type { SandboxContext } from './sandbox-context.ts';

export type { CallStatus, SandboxCall } from './calls.ts';
export type { MessageStatus, MessageType, SandboxMessage, SendAttempt } from './messages.ts';
export type { WhatsAppTemplate } from './whatsapp-template.ts';

/** Port, host, latency, callback and answer delays, log: local/support/sandbox-settings.ts. */
export interface PlivoSandboxOptions extends SandboxSettings {
  authId: string;
  authToken: string;
  /** Called for each accepted message (the CLI prints them). */
  onMessage?: (message: SandboxMessage) => void;
  /** Called for each accepted call, before it is answered and its answer URL requested. */
  onCall?: (call: SandboxCall) => void;
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

export { DEFAULT_CALL_ANSWER_DELAY_MS, DEFAULT_CALLBACK_DELAY_MS } from '../support/sandbox-settings.ts';

export async function startPlivoSandbox(options: PlivoSandboxOptions): Promise<PlivoSandbox> {
  requireText('authId', options.authId);
  requireText('authToken', options.authToken);
  const { port, host, latencyMs, callbackDelayMs, callAnswerDelayMs, log } = resolveSandboxSettings(
    options,
    'plivo-sandbox',
  );
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
    faults: newApiFaults(),
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

  const server = createSandboxServer({
    route: (request, response) => routeRequest(context, request, response),
    shutdown: shutdown.signal,
    log,
    answerInternalError: (response) => sendPlivoError(response, 500, 'internal sandbox error'),
    badRequestJson: JSON.stringify({ error: 'bad request' }),
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
      context.faults.drops.clear();
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
  if (part === 'inbox') {
    sendInboxList(response, renderInboxList(context.messages.list(), context.calls.list()));
    return;
  }
  sendInboxPage(response, (nonce) =>
    renderInboxPage(context.messages.list(), context.calls.list(), {
      authId: context.authId,
      nonce,
      limitReset: context.resetLimits !== undefined,
    }),
  );
}
