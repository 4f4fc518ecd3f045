// `/__sandbox/*`: what tests (and the inbox page) use to look inside the sandbox and steer it. Not
// part of Twilio's API; the double underscore keeps it clear of anything Twilio could define.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultPlanParse, parseFaultPlan } from '../support/faults.ts';
import { sendNoContent } from '../support/http-responses.ts';
import { readBody, sendJson, sendMethodNotAllowed, sendSandboxError } from './http-io.ts';
import type { FaultTarget, SandboxContext } from './sandbox-context.ts';

const READ_OR_CLEAR = ['GET', 'HEAD', 'DELETE'];

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

    case '/__sandbox/faults': {
      const targets = faultTargets(url.searchParams.get('api'));
      if (targets === null) {
        sendSandboxError(response, 400, '"api" must be message or call');
        return true;
      }
      const [target = 'message'] = targets;
      if (reading) sendJson(response, 200, { fault: context.faults[target].current() });
      else if (method === 'POST') await armFault(context, target, request, response);
      else if (method === 'DELETE') {
        for (const each of targets) context.faults[each].clear();
        sendNoContent(response);
      } else sendMethodNotAllowed(response, ['GET', 'HEAD', 'POST', 'DELETE']);
      return true;
    }

    default:
      return false;
  }
}

/**
 * Forgets messages and API requests and stops pending status callbacks, so one test's traffic
 * (late callbacks included) cannot leak into the next. Faults stay armed: they are configuration.
 */
export async function clearMessages(context: SandboxContext): Promise<void> {
  // Cleared synchronously, so a send made right after is not wiped; then the cancelled callbacks finish tearing down.
  const cancelled = context.delivery.cancelAll();
  context.messages.clear();
  context.requests.clear();
  await cancelled;
}

/** Forgets calls and stops the ones still ringing or being played. */
export async function clearCalls(context: SandboxContext): Promise<void> {
  const cancelled = context.callSimulator.cancelAll();
  context.calls.clear();
  await cancelled;
}

/** `?api=message` (the default) or `?api=call`; with no `api`, DELETE disarms both, GET and POST mean messages. */
function faultTargets(api: string | null): FaultTarget[] | null {
  if (api === null) return ['message', 'call'];
  return api === 'message' || api === 'call' ? [api] : null;
}

async function armFault(
  context: SandboxContext,
  target: FaultTarget,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request);
  const parsed = body.tooLarge
    ? { ok: false as const, error: 'request body too large' }
    : parseFault(body.text);
  if (!parsed.ok) {
    sendSandboxError(response, 400, parsed.error);
    return;
  }
  context.faults[target].arm(parsed.plan);
  sendJson(response, 200, { fault: context.faults[target].current() });
}

function parseFault(raw: string): FaultPlanParse {
  try {
    return parseFaultPlan(JSON.parse(raw));
  } catch {
    return { ok: false, error: 'expected a JSON object like {"status": 503, "count": 2}' };
  }
}
