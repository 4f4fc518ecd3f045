// `POST /2010-04-01/Accounts/{AccountSid}/Calls.json`: after the checks both APIs share
// (api-admission.ts), the parameters (call-request.ts), then 201 with the Call resource, queued;
// the call is dialled afterwards (call-simulator.ts), as Twilio dials after answering.

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  admitApiRequest,
  answerCreated,
  parseAdmitted,
  refuseApiRequest,
  requestRecord,
} from './api-admission.ts';
import { parseCallRequest } from './call-request.ts';
import { callResource } from './call-resource.ts';
import type { SandboxCall } from './calls.ts';
import { newSid } from './resource-ids.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { E164 } from './scripted-numbers.ts';

export const CALLS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/;

export async function handleCreateCall(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountSid: string,
): Promise<void> {
  const receivedAt = new Date();
  const admission = await admitApiRequest(context, context.faults.call, request, encodedAccountSid);
  const record = requestRecord('call', receivedAt, admission);
  // A caller ID must be one of the account's Twilio numbers (or a verified outgoing caller ID).
  const callerIds = context.pool.senders.filter((sender) => E164.test(sender));
  const parsed = parseAdmitted(admission, (params) =>
    parseCallRequest(params, callerIds, context.pool.geoDeniedPrefixes),
  );
  if (!parsed.ok) return refuseApiRequest(context, response, record, parsed.error);

  const placed = parsed.request;
  const call: SandboxCall = {
    sid: newSid('CA'),
    from: placed.from,
    to: placed.to,
    url: placed.url,
    method: placed.method,
    twiml: placed.twiml,
    statusCallback: placed.statusCallback,
    statusCallbackMethod: placed.statusCallbackMethod,
    statusCallbackEvents: placed.statusCallbackEvents,
    machineDetection: placed.machineDetection,
    answeredBy: null,
    status: 'queued',
    spokenText: '',
    speech: [],
    voice: null,
    language: null,
    errorCode: null,
    error: null,
    duration: null,
    dateCreated: receivedAt.toISOString(),
    startTime: null,
    endTime: null,
  };
  context.calls.add(call);
  answerCreated(context, response, record, {
    sid: call.sid,
    resource: callResource(context.account.sid, call),
    delayedByFault: admission.delayedByFault,
  });
  context.callSimulator.start({ ...call, statusCallbackEvents: [...call.statusCallbackEvents] });
  context.onCall({ ...call });
}
