// `POST /v1/Account/{auth_id}/Message/`: SMS and WhatsApp sends. After the checks every Plivo API
// shares (api-admission.ts), the body (400), then accept (202) and play the delivery lifecycle.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../support/http-responses.ts';
import { admitApiRequest, verdictOf } from './api-admission.ts';
import { sendPlivoError } from './http-io.ts';
import { parseSendRequest } from './message-api.ts';
import { type SandboxMessage, type SendAttempt, SILENT_DROP_STEPS } from './messages.ts';
import type { SandboxContext } from './sandbox-context.ts';

export const MESSAGE_PATH = /^\/v1\/Account\/([^/]+)\/Message\/?$/;

export async function handleSendMessage(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  encodedAccountId: string,
): Promise<void> {
  const receivedAt = new Date().toISOString();
  const { body, delayedByFault, rejection } = await admitApiRequest(
    context,
    context.faults.message,
    request,
    encodedAccountId,
  );
  const verdict = verdictOf(rejection, () => parseSendRequest(request.headers['content-type'], body.text));

  const attempt: SendAttempt = {
    api: 'message',
    receivedAt,
    dst: fieldOf(body.text, 'dst'),
    outcome: 'failed',
    status: 0,
    messageUuid: null,
    requestUuid: null,
    error: null,
  };
  if (verdict.kind === 'rejected') {
    sendPlivoError(response, verdict.status, verdict.error, verdict.headers);
    context.attempts.record({ ...attempt, status: verdict.status, error: verdict.error });
    return;
  }

  const send = verdict.request;
  const message: SandboxMessage = {
    uuid: randomUUID(),
    src: send.src,
    powerpackUuid: send.powerpackUuid,
    dst: send.dst,
    type: send.type,
    text: send.text,
    template: send.template,
    receivedAt,
    status: 'queued',
    url: send.url,
    log: send.log,
    messageExpiry: send.messageExpiry,
  };
  // A scripted silent drop (/__sandbox/faults?api=drops): accepted, never in the inbox, undelivered.
  const dropped = context.faults.drops.take(message.dst);
  if (!dropped) context.messages.add(message);
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
  if (dropped) {
    context.faults.drops.remember({
      id: message.uuid,
      to: message.dst,
      text: message.text ?? '',
      droppedAt: receivedAt,
    });
    context.delivery.start({ ...message }, send.method, SILENT_DROP_STEPS);
    return;
  }
  context.delivery.start({ ...message }, send.method);
  context.onMessage({ ...message });
}

/** Best effort, for the attempt log only: one string field of a body that may be anything. */
export function fieldOf(rawBody: string, name: string): string | null {
  try {
    const body: unknown = JSON.parse(rawBody);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const value = (body as Record<string, unknown>)[name];
      if (typeof value === 'string') return value;
    }
  } catch {
    // Not JSON: nothing to report.
  }
  return null;
}
