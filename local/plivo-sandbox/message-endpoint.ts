// `POST /v1/Account/{auth_id}/Message/`: the one Plivo endpoint the service calls. Order of checks:
// artificial latency, injected fault (an outage comes before anything else, so an armed fault is
// used up by any send, valid or not), account id in the path (404: there is no such account to
// authenticate against), Basic credentials (401), body (400), then accept (202).

import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, sendJson, sendPlivoError } from './http-io.ts';
import { parseSendRequest, type SendRequest } from './message-api.ts';
import type { SandboxMessage, SendAttempt } from './messages.ts';
import type { SandboxContext } from './sandbox-context.ts';

export const MESSAGE_PATH = /^\/v1\/Account\/([^/]+)\/Message\/?$/;

type Verdict =
  | { kind: 'rejected'; status: number; error: string; headers?: Record<string, string> }
  | { kind: 'accepted'; send: SendRequest };

export async function handleSendMessage(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountId: string,
): Promise<void> {
  const receivedAt = new Date().toISOString();
  const body = await readBody(request);
  if (context.latencyMs > 0) await sleep(context.latencyMs, undefined, { signal: context.shutdown });
  const fault = context.faults.take();
  const delayedByFault = fault !== null && fault.delayMs > 0;
  if (delayedByFault) await sleep(fault.delayMs, undefined, { signal: context.shutdown });

  const verdict: Verdict =
    fault?.status != null
      ? { kind: 'rejected', status: fault.status, error: faultErrorText(fault.status) }
      : judge(context, request, encodedAccountId, body.text, body.tooLarge);

  const attempt: SendAttempt = {
    receivedAt,
    dst: dstOf(body.text),
    outcome: 'failed',
    status: 0,
    messageUuid: null,
    error: null,
  };
  if (verdict.kind === 'rejected') {
    sendPlivoError(response, verdict.status, verdict.error, verdict.headers);
    context.attempts.record({ ...attempt, status: verdict.status, error: verdict.error });
    return;
  }

  const { send } = verdict;
  const message: SandboxMessage = {
    uuid: randomUUID(),
    src: send.src,
    powerpackUuid: send.powerpackUuid,
    dst: send.dst,
    text: send.text,
    receivedAt,
    status: 'queued',
    url: send.url,
    log: send.log,
    messageExpiry: send.messageExpiry,
  };
  context.messages.add(message);
  sendJson(response, 202, {
    api_id: randomUUID(),
    message: 'message(s) queued',
    message_uuid: [message.uuid],
  });
  context.attempts.record({
    ...attempt,
    outcome: delayedByFault ? 'delayed' : 'accepted',
    status: 202,
    messageUuid: message.uuid,
  });
  context.delivery.start({ ...message }, send.method);
  context.onMessage({ ...message });
}

function judge(
  context: SandboxContext,
  request: IncomingMessage,
  encodedAccountId: string,
  rawBody: string,
  bodyTooLarge: boolean,
): Verdict {
  // Constant time as well: the auth id is half of the credentials.
  if (!secretsEqual(decodeOrEmpty(encodedAccountId), context.authId)) {
    return { kind: 'rejected', status: 404, error: 'not found' };
  }
  const credentials = parseBasicAuth(request.headers.authorization);
  if (!credentialsMatch(credentials, { user: context.authId, password: context.authToken })) {
    return {
      kind: 'rejected',
      status: 401,
      error: 'authentication failed',
      headers: { 'www-authenticate': 'Basic realm="Plivo sandbox"' },
    };
  }
  if (bodyTooLarge) return { kind: 'rejected', status: 413, error: 'request body too large' };
  const parsed = parseSendRequest(request.headers['content-type'], rawBody);
  return parsed.ok
    ? { kind: 'accepted', send: parsed.request }
    : { kind: 'rejected', status: 400, error: parsed.error };
}

function decodeOrEmpty(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
}

/** Best effort, for the attempt log only: the dst of a body that may be anything. */
function dstOf(rawBody: string): string | null {
  try {
    const body: unknown = JSON.parse(rawBody);
    if (typeof body === 'object' && body !== null && 'dst' in body && typeof body.dst === 'string')
      return body.dst;
  } catch {
    // Not JSON: nothing to report.
  }
  return null;
}

// What an injected fault (local/support/faults.ts) answers, in Plivo's words.
const FAULT_ERROR_TEXT: Record<number, string> = {
  400: 'invalid parameter',
  401: 'authentication failed',
  404: 'not found',
  429: 'too many requests',
  500: 'internal server error',
};

export function faultErrorText(status: number): string {
  return `${FAULT_ERROR_TEXT[status] ?? 'error'} (sandbox fault injection)`;
}

export interface BasicCredentials {
  user: string;
  password: string;
}

export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Constant-time in content and length: both sides are hashed first, because timingSafeEqual
 * itself throws (early) on a length mismatch.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function credentialsMatch(given: BasicCredentials | null, expected: BasicCredentials): boolean {
  if (!given) return false;
  // Evaluate both comparisons so the time taken does not reveal which half was wrong.
  const userMatches = secretsEqual(given.user, expected.user);
  const passwordMatches = secretsEqual(given.password, expected.password);
  return userMatches && passwordMatches;
}
