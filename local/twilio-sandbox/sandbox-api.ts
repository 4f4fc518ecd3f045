// `/__sandbox/*`: what tests (and the inbox page) use to look inside the sandbox and steer it. Not
// part of Twilio's API; the double underscore keeps it clear of anything Twilio could define.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { cancelAndForget } from '../support/background-runs.ts';
import { sendNoContent } from '../support/http-responses.ts';
import { answerFaultApi, type FaultApiOptions } from '../support/sandbox-fault-api.ts';
import { readBody, sendJson, sendMethodNotAllowed, sendSandboxError } from './http-io.ts';
import type { SandboxContext } from './sandbox-context.ts';

const READ_OR_CLEAR = ['GET', 'HEAD', 'DELETE'];

const FAULT_API: FaultApiOptions = {
  readBody,
  sendJson,
  sendError: sendSandboxError,
  sendMethodNotAllowed,
  invalidJsonError: 'expected a JSON object like {"status": 503, "count": 2}',
  // The lockdown (server.ts) already refuses a body under /__sandbox/ that is not JSON.
  requireJsonContentType: false,
};

/** Resolves false when the path is not a sandbox API route. */
export async function handleSandboxApi(
  context: SandboxContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = request.method ?? 'GET';
  const reading = method === 'GET' || method === 'HEAD';
  switch (url.pathname) {
    case '/__sandbox/messages':
      if (reading) sendJson(response, 200, context.messages.list(url.searchParams.get('to')));
      else if (method === 'DELETE') {
        await clearMessages(context);
        sendNoContent(response);
      } else sendMethodNotAllowed(response, READ_OR_CLEAR);
      return true;

    case '/__sandbox/calls':
      if (reading) sendJson(response, 200, context.calls.list(url.searchParams.get('to')));
      else if (method === 'DELETE') {
        await clearCalls(context);
        sendNoContent(response);
      } else sendMethodNotAllowed(response, READ_OR_CLEAR);
      return true;

    case '/__sandbox/requests':
      if (reading) sendJson(response, 200, context.requests.list());
      else if (method === 'DELETE') {
        context.requests.clear();
        sendNoContent(response);
      } else sendMethodNotAllowed(response, READ_OR_CLEAR);
      return true;

    case '/__sandbox/faults':
      await answerFaultApi(context.faults, request, response, url, FAULT_API);
      return true;

    default:
      return false;
  }
}

/**
 * Forgets messages and API requests and stops pending status callbacks, so one test's traffic
 * (late callbacks included) cannot leak into the next. Faults stay armed: they are configuration.
 */
export function clearMessages(context: SandboxContext): Promise<void> {
  return cancelAndForget(context.delivery, context.messages, context.requests);
}

/** Forgets calls and stops the ones still ringing or being played. */
export function clearCalls(context: SandboxContext): Promise<void> {
  return cancelAndForget(context.callSimulator, context.calls);
}
