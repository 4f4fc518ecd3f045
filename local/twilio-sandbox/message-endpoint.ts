// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: after the checks both APIs share
// (api-admission.ts), the parameters (message-request.ts), then 201 with the Message resource and
// the scripted delivery lifecycle (delivery-simulator.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { smsSegments } from '../../src/otp/gsm7.ts';
import {
  admitApiRequest,
  answerCreated,
  parseAdmitted,
  refuseApiRequest,
  requestRecord,
} from './api-admission.ts';
import { parseMessageRequest } from './message-request.ts';
import { messageResource } from './message-resource.ts';
import type { SandboxMessage } from './messages.ts';
import { newSid } from './resource-ids.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { SILENT_DROP_STEPS } from './scripted-numbers.ts';

export const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function handleCreateMessage(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountSid: string,
): Promise<void> {
  const receivedAt = new Date();
  const admission = await admitApiRequest(context, context.faults.message, request, encodedAccountSid);
  const record = requestRecord('message', receivedAt, admission);
  const parsed = parseAdmitted(admission, (params) => parseMessageRequest(params, context.pool));
  if (!parsed.ok) return refuseApiRequest(context, response, record, parsed.error);

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
  // A scripted silent drop (/__sandbox/faults?api=drops): created, never in the inbox, undelivered.
  const dropped = context.faults.drops.take(message.to);
  if (!dropped) context.messages.add(message);
  answerCreated(context, response, record, {
    sid: message.sid,
    resource: messageResource(context.account.sid, message),
    delayedByFault: admission.delayedByFault,
  });
  if (dropped) {
    context.faults.drops.remember({
      id: message.sid,
      to: message.to,
      text: message.body,
      droppedAt: message.dateCreated,
    });
    context.delivery.start({ ...message }, SILENT_DROP_STEPS);
    return;
  }
  context.delivery.start({ ...message });
  context.onMessage({ ...message });
}
