// `/__sandbox/*`: what tests (and the inbox page) use to look inside the sandbox and steer it.
// Not part of Plivo's API; the double underscore keeps it clear of anything Plivo could define.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { cancelAndForget } from '../support/background-runs.ts';
import { isJsonContentType } from '../support/browser-lockdown.ts';
import { sendJson, sendNoContent } from '../support/http-responses.ts';
import { answerFaultApi, type FaultApiOptions } from '../support/sandbox-fault-api.ts';
import { readBody, sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import type { SandboxContext } from './sandbox-context.ts';

export const SANDBOX_API_PREFIX = '/__sandbox/';

const FAULT_API: FaultApiOptions = {
  readBody,
  sendJson,
  sendError: sendPlivoError,
  sendMethodNotAllowed,
  invalidJsonError: 'invalid json data',
  // The lockdown has no body rule here: POST /__sandbox/faults checks its own content type.
  requireJsonContentType: true,
};

/** Resolves false when the path is not a sandbox API route. */
export async function handleSandboxApi(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = request.method ?? 'GET';
  switch (url.pathname) {
    case '/__sandbox/messages':
      if (method === 'GET' || method === 'HEAD') {
        sendJson(response, 200, context.messages.list(url.searchParams.get('dst')));
      } else if (method === 'DELETE') {
        await clearTraffic(context);
        sendNoContent(response);
      } else sendMethodNotAllowed(response, ['GET', 'HEAD', 'DELETE']);
      return true;

    case '/__sandbox/calls':
      if (method === 'GET' || method === 'HEAD') {
        sendJson(response, 200, context.calls.list(url.searchParams.get('to')));
      } else if (method === 'DELETE') {
        await clearCalls(context);
        sendNoContent(response);
      } else sendMethodNotAllowed(response, ['GET', 'HEAD', 'DELETE']);
      return true;

    case '/__sandbox/requests':
      if (method === 'GET' || method === 'HEAD') sendJson(response, 200, context.attempts.list());
      else if (method === 'DELETE') {
        context.attempts.clear();
        sendNoContent(response);
      } else sendMethodNotAllowed(response, ['GET', 'HEAD', 'DELETE']);
      return true;

    case '/__sandbox/faults':
      await answerFaultApi(context.faults, request, response, url, FAULT_API);
      return true;

    case '/__sandbox/limits/reset':
      if (method === 'POST') await resetLimits(context, request, response);
      else sendMethodNotAllowed(response, ['POST']);
      return true;

    default:
      return false;
  }
}

/**
 * The dev Worker's limits, cooldowns, failure counts and fraud-guard cells in the local Redis,
 * deleted (local/limit-reset.ts); verifications stay. JSON only, like every POST here, so no other
 * page can send it without a preflight (local/support/browser-lockdown.ts).
 */
async function resetLimits(context: SandboxContext, request: IncomingMessage, response: ServerResponse) {
  if (!isJsonContentType(request.headers['content-type'])) {
    sendPlivoError(response, 415, 'content type must be application/json');
    return;
  }
  await readBody(request);
  if (!context.resetLimits) {
    sendPlivoError(
      response,
      404,
      'no local Redis to reset: this sandbox was not started by npm run dev with its own Redis REST server',
    );
    return;
  }
  sendJson(response, 200, await context.resetLimits());
}

/**
 * Forgets messages and send attempts and stops pending delivery callbacks, so one test's traffic
 * (including its late callbacks) cannot leak into the next. Faults are left armed: they are
 * configuration, cleared on their own.
 */
export function clearTraffic(context: SandboxContext): Promise<void> {
  return cancelAndForget(context.delivery, context.messages, context.attempts);
}

/** Forgets calls and stops the ones still ringing or being played. */
export function clearCalls(context: SandboxContext): Promise<void> {
  return cancelAndForget(context.callSimulator, context.calls);
}
