// `POST /v1/Account/{auth_id}/Call/`: after the checks every Plivo API shares (api-admission.ts),
// the body (400), then Plivo's answer to a call request, 201 `{"api_id", "message": "call fired",
// "request_uuid"}`; the call itself is placed afterwards (call-simulator.ts), as Plivo dials
// only after it has answered.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../support/http-responses.ts';
import { admitApiRequest, verdictOf } from './api-admission.ts';
import { parseCallRequest } from './call-api.ts';
import type { SandboxCall } from './calls.ts';
import { sendPlivoError } from './http-io.ts';
import { fieldOf } from './message-endpoint.ts';
import type { SendAttempt } from './messages.ts';
import type { SandboxContext } from './sandbox-context.ts';

export const CALL_PATH = /^\/v1\/Account\/([^/]+)\/Call\/?$/;

export async function handleMakeCall(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountId: string,
): Promise<void> {
  const receivedAt = new Date().toISOString();
  const { body, delayedByFault, rejection } = await admitApiRequest(
    context,
    context.faults.call,
    request,
    encodedAccountId,
  );
  const attempt: SendAttempt = {
    api: 'call',
    receivedAt,
    dst: fieldOf(body.text, 'to'),
    outcome: 'failed',
    status: 0,
    messageUuid: null,
    requestUuid: null,
    error: null,
  };
  const verdict = verdictOf(rejection, () => parseCallRequest(request.headers['content-type'], body.text));
  if (verdict.kind === 'rejected') {
    sendPlivoError(response, verdict.status, verdict.error, verdict.headers);
    context.attempts.record({ ...attempt, status: verdict.status, error: verdict.error });
    return;
  }

  const placed = verdict.request;
  const call: SandboxCall = {
    uuid: randomUUID(),
    requestUuid: randomUUID(),
    from: placed.from,
    to: placed.to,
    answerUrl: placed.answerUrl,
    answerMethod: placed.answerMethod,
    hangupUrl: placed.hangupUrl,
    spokenText: '',
    language: null,
    voice: null,
    speech: [],
    status: 'queued',
    answeredBy: null,
    machineDetection: placed.machineDetection,
    error: null,
    receivedAt,
  };
  context.calls.add(call);
  sendJson(response, 201, { api_id: randomUUID(), message: 'call fired', request_uuid: call.requestUuid });
  context.attempts.record({
    ...attempt,
    outcome: delayedByFault ? 'delayed' : 'accepted',
    status: 201,
    requestUuid: call.requestUuid,
  });
  context.callSimulator.start({ ...call }, placed);
  context.onCall({ ...call });
}
