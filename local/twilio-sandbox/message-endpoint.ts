// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: after the checks both APIs share
// (api-admission.ts), the parameters (message-request.ts), then 201 with the Message resource and
// the scripted delivery lifecycle (delivery-simulator.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { smsSegments } from '../../src/otp/gsm7.ts';
import { admitApiRequest } from './api-admission.ts';
import { sendJson, sendTwilioError } from './http-io.ts';
import { parseMessageRequest } from './message-request.ts';
import { messageResource } from './message-resource.ts';
import type { ApiRequestRecord, SandboxMessage } from './messages.ts';
import { newSid } from './resource-ids.ts';
import type { SandboxContext } from './sandbox-context.ts';

export const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function handleCreateMessage(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountSid: string,
): Promise<void> {
  const receivedAt = new Date();
  const admission = await admitApiRequest(context, context.faults.message, request, encodedAccountSid);
  const record: ApiRequestRecord = {
    api: 'message',
    receivedAt: receivedAt.toISOString(),
    to: admission.params.get('To'),
    outcome: 'refused',
    status: 0,
    code: null,
    sid: null,
    credentials: admission.admitted ? admission.credentials : null,
  };
  const parsed = admission.admitted
    ? parseMessageRequest(admission.params, context.pool)
    : { ok: false as const, error: admission.error };
  if (!parsed.ok) {
    sendTwilioError(response, parsed.error);
    context.requests.record({ ...record, status: parsed.error.status, code: parsed.error.code });
    return;
  }

  const send = parsed.request;
  const message: SandboxMessage = {
    sid: newSid('SM'),
    from: send.from,
    to: send.to,
    body: send.body,
    messagingServiceSid: send.messagingServiceSid,
    statusCallback: send.statusCallback,
    validityPeriod: send.validityPeriod,
    // "accepted" is the first status of a send through a Messaging Service, "queued" of any other.
    status: send.messagingServiceSid === null ? 'queued' : 'accepted',
    errorCode: null,
    numSegments: smsSegments(send.body).segments,
    dateCreated: receivedAt.toISOString(),
    dateSent: null,
    dateUpdated: receivedAt.toISOString(),
  };
  context.messages.add(message);
  sendJson(response, 201, messageResource(context.account.sid, message));
  context.requests.record({
    ...record,
    outcome: admission.delayedByFault ? 'delayed' : 'accepted',
    status: 201,
    sid: message.sid,
  });
  context.delivery.start({ ...message });
  context.onMessage({ ...message });
}
