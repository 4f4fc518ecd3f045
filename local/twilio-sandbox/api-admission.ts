// What every request to Twilio's Messages and Calls APIs goes through before its parameters are
// read, in this order: artificial latency, an injected fault (an outage comes before anything else,
// so an armed fault is used up by any request, valid or not), credentials and the account in the
// path (20003, 401), body size (413, the sandbox's own limit). Then how both endpoints end: a
// refusal or a 201, each written to the request log (GET /__sandbox/requests).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultInjector, waitOutLatencyAndFault } from '../support/faults.ts';
import { authenticate } from './credentials.ts';
import { FormParams } from './form-params.ts';
import { readBody, sendJson, sendTwilioError } from './http-io.ts';
import type { ApiRequestRecord } from './messages.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { faultError, type TwilioError, twilioError } from './twilio-errors.ts';

export type Admission =
  | { admitted: true; params: FormParams; delayedByFault: boolean; credentials: 'auth-token' | 'api-key' }
  | { admitted: false; error: TwilioError; params: FormParams; delayedByFault: boolean };

const AUTHENTICATION_MESSAGES = {
  'no-credentials': 'Authentication Error - No credentials provided',
  'wrong-credentials': 'Authenticate',
  'other-account': 'Authenticate: the credentials do not belong to the account in the path',
} as const;

export async function admitApiRequest(
  context: SandboxContext,
  faults: FaultInjector,
  request: IncomingMessage,
  encodedAccountSid: string,
): Promise<Admission> {
  const body = await readBody(request);
  const params = new FormParams(request.headers['content-type'], body.text);
  const { fault, delayedByFault } = await waitOutLatencyAndFault(faults, context.latencyMs, context.shutdown);
  if (fault?.status != null)
    return { admitted: false, error: faultError(fault.status), params, delayedByFault };

  const authentication = authenticate(
    context.account,
    request.headers.authorization,
    decodeOrEmpty(encodedAccountSid),
  );
  if (!authentication.ok) {
    const error = twilioError(20003, AUTHENTICATION_MESSAGES[authentication.reason]);
    return { admitted: false, error, params, delayedByFault };
  }
  if (body.tooLarge) {
    const error = { status: 413, code: 413, message: 'request body too large for the sandbox' };
    return { admitted: false, error, params, delayedByFault };
  }
  return { admitted: true, params, delayedByFault, credentials: authentication.via };
}

function decodeOrEmpty(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return '';
  }
}

/** The admission's refusal, or what reading the admitted request's parameters says. */
export function parseAdmitted<Request>(
  admission: Admission,
  parse: (params: FormParams) => { ok: true; request: Request } | { ok: false; error: TwilioError },
): { ok: true; request: Request } | { ok: false; error: TwilioError } {
  return admission.admitted ? parse(admission.params) : { ok: false, error: admission.error };
}

/** The request log's entry for one API request: refused, until the endpoint creates its resource. */
export function requestRecord(
  api: ApiRequestRecord['api'],
  receivedAt: Date,
  admission: Admission,
): ApiRequestRecord {
  return {
    api,
    receivedAt: receivedAt.toISOString(),
    to: admission.params.get('To'),
    outcome: 'refused',
    status: 0,
    code: null,
    sid: null,
    credentials: admission.admitted ? admission.credentials : null,
  };
}

/** Answers a refusal in Twilio's error shape and logs it. */
export function refuseApiRequest(
  context: SandboxContext,
  response: ServerResponse,
  record: ApiRequestRecord,
  error: TwilioError,
): void {
  sendTwilioError(response, error);
  context.requests.record({ ...record, status: error.status, code: error.code });
}

/** Answers 201 with the new resource and logs it: accepted, or delayed when an injected delay held it first. */
export function answerCreated(
  context: SandboxContext,
  response: ServerResponse,
  record: ApiRequestRecord,
  created: { sid: string; resource: unknown; delayedByFault: boolean },
): void {
  sendJson(response, 201, created.resource);
  context.requests.record({
    ...record,
    outcome: created.delayedByFault ? 'delayed' : 'accepted',
    status: 201,
    sid: created.sid,
  });
}
