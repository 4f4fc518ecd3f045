// What every request to one of Plivo's APIs (Message, Call) goes through before its body is read
// for meaning, in this order: artificial latency, injected fault (an outage comes before anything
// else, so an armed fault is used up by any request, valid or not), account id in the path (404:
// there is no such account to authenticate against), Basic credentials (401), body size (413).

import type { IncomingMessage } from 'node:http';
import { credentialsMatch, parseBasicAuth, secretsEqual } from '../support/basic-auth.ts';
import { type FaultInjector, waitOutLatencyAndFault } from '../support/faults.ts';
import type { BodyText } from '../support/http.ts';
import { readBody } from './http-io.ts';
import type { SandboxContext } from './sandbox-context.ts';

export interface Rejection {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

export type Verdict<Request> = ({ kind: 'rejected' } & Rejection) | { kind: 'accepted'; request: Request };

/** The admission's refusal if any, else what parsing the body says (400 when it cannot be used). */
export function verdictOf<Request>(
  rejection: Rejection | null,
  parseBody: () => { ok: true; request: Request } | { ok: false; error: string },
): Verdict<Request> {
  if (rejection) return { kind: 'rejected', ...rejection };
  const parsed = parseBody();
  return parsed.ok
    ? { kind: 'accepted', request: parsed.request }
    : { kind: 'rejected', status: 400, error: parsed.error };
}

export interface Admission {
  body: BodyText;
  /** The request waited out an injected delay (recorded as `delayed` when it then succeeds). */
  delayedByFault: boolean;
  /** Why the request is refused before its body is looked at; null: go on. */
  rejection: Rejection | null;
}

export async function admitApiRequest(
  context: SandboxContext,
  faults: FaultInjector,
  request: IncomingMessage,
  encodedAccountId: string,
): Promise<Admission> {
  const body = await readBody(request);
  const { fault, delayedByFault } = await waitOutLatencyAndFault(faults, context.latencyMs, context.shutdown);
  const rejection =
    fault?.status != null
      ? { status: fault.status, error: faultErrorText(fault.status) }
      : checkAccount(context, request, encodedAccountId, body.tooLarge);
  return { body, delayedByFault, rejection };
}

function checkAccount(
  context: SandboxContext,
  request: IncomingMessage,
  encodedAccountId: string,
  bodyTooLarge: boolean,
): Rejection | null {
  // Constant time as well: the auth id is half of the credentials.
  if (!secretsEqual(decodeOrEmpty(encodedAccountId), context.authId))
    return { status: 404, error: 'not found' };
  const credentials = parseBasicAuth(request.headers.authorization);
  if (!credentialsMatch(credentials, { user: context.authId, password: context.authToken })) {
    return {
      status: 401,
      error: 'authentication failed',
      headers: { 'www-authenticate': 'Basic realm="Plivo sandbox"' },
    };
  }
  if (bodyTooLarge) return { status: 413, error: 'request body too large' };
  return null;
}

function decodeOrEmpty(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
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
