// A local stand-in for Twilio's Programmable Messaging and Voice REST APIs (2010-04-01): the wire
// protocol of api.twilio.com, so an adapter that speaks Twilio with plain fetch works against it
// with only the base URL changed. Messages and calls land in memory and in an inbox page, status
// callbacks and TwiML requests go out signed with X-Twilio-Signature, numbers script the outcomes,
// and tests can inject faults and latency. Locked down against web pages
// (local/support/browser-lockdown.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkBrowserLockdown,
  type LockdownOptions,
  type LockdownRule,
} from '../support/browser-lockdown.ts';
import { closeServer, listen } from '../support/http.ts';
import { sendInboxPage } from '../support/inbox/page.ts';
import { newApiFaults } from '../support/sandbox-fault-api.ts';
import { createSandboxServer } from '../support/sandbox-server.ts';
import { resolveSandboxSettings, type SandboxSettings } from '../support/sandbox-settings.ts';
import { CALLS_PATH, handleCreateCall } from './call-endpoint.ts';
import { CallSimulator } from './call-simulator.ts';
import { CallStore, type SandboxCall } from './calls.ts';
import { ACCOUNT_SID, API_KEY_SID, type ApiKey } from './credentials.ts';
import { DeliverySimulator } from './delivery-simulator.ts';
import { sendMethodNotAllowed, sendSandboxError, sendTwilioError } from './http-io.ts';
import { renderInboxPage } from './inbox-page.ts';
import { handleCreateMessage, MESSAGES_PATH } from './message-endpoint.ts';
import { MESSAGING_SERVICE_SID } from './message-request.ts';
import { type ApiRequestRecord, MessageStore, RequestLog, type SandboxMessage } from './messages.ts';
import { clearCalls, clearMessages, handleSandboxApi } from './sandbox-api.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { DEFAULT_GEO_DENIED_PREFIXES } from './scripted-numbers.ts';
import { twilioError } from './twilio-errors.ts';

export type { CallStatus, SandboxCall, SpokenPart } from './calls.ts';
export type { ApiKey } from './credentials.ts';
export type { ApiRequestRecord, MessageStatus, SandboxMessage } from './messages.ts';

/** Port, host, latency, callback and answer delays, log: local/support/sandbox-settings.ts. */
export interface TwilioSandboxOptions extends SandboxSettings {
  /** AC followed by 32 hex digits. */
  accountSid: string;
  /** Authenticates API requests with the Account SID and signs every webhook. */
  authToken: string;
  /** API keys of this account (SK + 32 hex digits, and a secret); none by default. */
  apiKeys?: readonly ApiKey[];
  /** The account's numbers (E.164, also the caller IDs calls may use) and alphanumeric sender IDs. Default DEFAULT_SENDERS. */
  senders?: readonly string[];
  /** Messaging Services of the account (MG + 32 hex digits); their sender pool is `senders`. Default one. */
  messagingServiceSids?: readonly string[];
  /** To prefixes the account's geo permissions refuse (21408, 21215). Default +882 and +883. */
  geoDeniedPrefixes?: readonly string[];
  /** Called for each accepted message (the CLI prints them). */
  onMessage?: (message: SandboxMessage) => void;
  /** Called for each accepted call, before it rings. */
  onCall?: (call: SandboxCall) => void;
}

export interface TwilioSandbox {
  /** http://127.0.0.1:PORT, no trailing slash: use it in place of https://api.twilio.com. */
  url: string;
  /** Newest first. */
  messages(): SandboxMessage[];
  /** Newest first. */
  calls(): SandboxCall[];
  /** Every Messages and Calls API request, newest first. */
  requests(): ApiRequestRecord[];
  /** Forgets messages, calls and requests, disarms faults and stops pending callbacks and calls. */
  clear(): void;
  close(): Promise<void>;
}

export const DEFAULT_SENDERS: readonly string[] = ['+14155550100', 'OTPEDGE'];
export const DEFAULT_MESSAGING_SERVICE_SID = 'MG00000000000000000000000000000001';
export { DEFAULT_CALL_ANSWER_DELAY_MS, DEFAULT_CALLBACK_DELAY_MS } from '../support/sandbox-settings.ts';

export async function startTwilioSandbox(options: TwilioSandboxOptions): Promise<TwilioSandbox> {
  const apiKeys = options.apiKeys ?? [];
  const senders = options.senders ?? DEFAULT_SENDERS;
  const messagingServiceSids = options.messagingServiceSids ?? [DEFAULT_MESSAGING_SERVICE_SID];
  const geoDeniedPrefixes = options.geoDeniedPrefixes ?? DEFAULT_GEO_DENIED_PREFIXES;
  requireMatch('accountSid', options.accountSid, ACCOUNT_SID);
  if (typeof options.authToken !== 'string' || options.authToken === '') {
    throw new TypeError('authToken must be a non-empty string');
  }
  for (const key of apiKeys) {
    requireMatch('apiKeys[].sid', key.sid, API_KEY_SID);
    if (key.secret === '') throw new TypeError(`the secret of API key ${key.sid} is empty`);
  }
  for (const sid of messagingServiceSids) requireMatch('messagingServiceSids[]', sid, MESSAGING_SERVICE_SID);
  for (const sender of senders)
    requireMatch('senders[]', sender, /^(\+[1-9][0-9]{1,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/);
  for (const prefix of geoDeniedPrefixes) requireMatch('geoDeniedPrefixes[]', prefix, /^\+[0-9]{1,14}$/);
  const { port, host, latencyMs, callbackDelayMs, callAnswerDelayMs, log } = resolveSandboxSettings(
    options,
    'twilio-sandbox',
  );
  const shutdown = new AbortController();
  const messages = new MessageStore();
  const calls = new CallStore();
  const account = { sid: options.accountSid, authToken: options.authToken, apiKeys };
  const context: SandboxContext = {
    account,
    pool: { senders, messagingServiceSids, geoDeniedPrefixes },
    latencyMs,
    messages,
    calls,
    requests: new RequestLog(),
    faults: newApiFaults(),
    delivery: new DeliverySimulator({
      accountSid: account.sid,
      authToken: account.authToken,
      stepDelayMs: callbackDelayMs,
      onStatus: (sid, change) => messages.update(sid, change),
      log,
    }),
    callSimulator: new CallSimulator({
      accountSid: account.sid,
      authToken: account.authToken,
      answerDelayMs: callAnswerDelayMs,
      onUpdate: (sid, change) => calls.update(sid, change),
      log,
    }),
    shutdown: shutdown.signal,
    onMessage: options.onMessage ?? (() => {}),
    onCall: options.onCall ?? (() => {}),
    log,
  };

  const server = createSandboxServer({
    route: (request, response) => routeRequest(context, request, response),
    shutdown: shutdown.signal,
    log,
    answerInternalError: (response) =>
      sendTwilioError(response, twilioError(20500, 'internal sandbox error')),
    badRequestJson: JSON.stringify({ code: 400, message: 'bad request', more_info: null, status: 400 }),
  });

  const url = await listen(server, port, host);
  let closing: Promise<void> | null = null;
  return {
    url,
    messages: () => messages.list(),
    calls: () => calls.list(),
    requests: () => context.requests.list(),
    clear: () => {
      context.faults.message.clear();
      context.faults.call.clear();
      context.faults.drops.clear();
      void clearMessages(context);
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

function requireMatch(name: string, value: unknown, pattern: RegExp): void {
  if (typeof value !== 'string' || !pattern.test(value))
    throw new TypeError(`${name} is not valid: ${String(value)}`);
}

// Checked before anything else on every path. No bindHost: only loopback names are served. The
// Twilio API paths keep taking form bodies, as Twilio does; the Origin rule already stops pages there.
const LOCKDOWN: LockdownOptions = { allowOwnOrigin: true, jsonBodiesUnder: '/__sandbox/' };

// A foreign Host is 421 Misdirected Request here: the request was not meant for this server.
const LOCKDOWN_REFUSALS: Record<LockdownRule, { status: number; message: string }> = {
  'foreign-host': {
    status: 421,
    message: 'the sandbox answers only requests addressed to a loopback name (Host)',
  },
  'foreign-origin': {
    status: 403,
    message: 'cross-origin requests are refused (Origin is not the sandbox itself)',
  },
  'not-json-body': { status: 415, message: 'the /__sandbox/ API takes application/json bodies only' },
};

async function routeRequest(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  // Only the path and query matter; a fixed base keeps the Host header out of URL parsing.
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
  const lockdown = checkBrowserLockdown(request, LOCKDOWN);
  if (!lockdown.ok) {
    const refusal = LOCKDOWN_REFUSALS[lockdown.rule];
    request.resume();
    return sendSandboxError(response, refusal.status, refusal.message, { connection: 'close' });
  }

  const messagesAccount = MESSAGES_PATH.exec(url.pathname)?.[1];
  if (messagesAccount !== undefined) {
    if (method === 'POST') await handleCreateMessage(context, request, response, messagesAccount);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }
  const callsAccount = CALLS_PATH.exec(url.pathname)?.[1];
  if (callsAccount !== undefined) {
    if (method === 'POST') await handleCreateCall(context, request, response, callsAccount);
    else sendMethodNotAllowed(response, ['POST']);
    return;
  }
  if (url.pathname.startsWith('/2010-04-01/')) {
    return sendTwilioError(
      response,
      twilioError(20404, `The requested resource ${url.pathname} was not found`),
    );
  }

  if (url.pathname === '/') {
    if (method === 'GET' || method === 'HEAD') serveInbox(context, response);
    else sendMethodNotAllowed(response, ['GET', 'HEAD']);
    return;
  }
  if (await handleSandboxApi(context, request, response, url)) return;
  sendSandboxError(response, 404, 'not found');
}

function serveInbox(context: SandboxContext, response: ServerResponse): void {
  sendInboxPage(response, (nonce) =>
    renderInboxPage(context.messages.list(), context.calls.list(), {
      accountSid: context.account.sid,
      geoDeniedPrefixes: context.pool.geoDeniedPrefixes,
      nonce,
    }),
  );
}
