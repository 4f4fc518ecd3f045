// `/__sandbox/*`: what tests (and the inbox page) use to look inside the sandbox and steer it.
// Not part of Plivo's API; the double underscore keeps it clear of anything Plivo could define.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType } from '../support/browser-lockdown.ts';
import { type FaultPlanParse, parseFaultPlan } from '../support/faults.ts';
import { sendJson, sendNoContent } from '../support/http-responses.ts';
import { readBody, sendMethodNotAllowed, sendPlivoError } from './http-io.ts';
import type { FaultTarget, SandboxContext } from './sandbox-context.ts';

export const SANDBOX_API_PREFIX = '/__sandbox/';

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

    case '/__sandbox/faults': {
      const targets = faultTargets(url.searchParams.get('api'));
      if (targets === null) {
        sendPlivoError(response, 400, '"api" must be message or call');
        return true;
      }
      const [target = 'message'] = targets;
      if (method === 'GET' || method === 'HEAD')
        sendJson(response, 200, { fault: context.faults[target].current() });
      else if (method === 'POST') await armFault(context, target, request, response);
      else if (method === 'DELETE') {
        for (const each of targets) context.faults[each].clear();
        sendNoContent(response);
      } else sendMethodNotAllowed(response, ['GET', 'HEAD', 'POST', 'DELETE']);
      return true;
    }

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
export async function clearTraffic(context: SandboxContext): Promise<void> {
  // Clear synchronously, so a send made right after clear() is not wiped by it; then wait for the
  // cancelled callbacks to be torn down.
  const cancelled = context.delivery.cancelAll();
  context.messages.clear();
  context.attempts.clear();
  await cancelled;
}

/**
 * `?api=message` (the default, as before calls existed) or `?api=call`; with no `api`, DELETE
 * disarms both plans, while GET and POST mean the Message API.
 */
function faultTargets(api: string | null): FaultTarget[] | null {
  if (api === null) return ['message', 'call'];
  return api === 'message' || api === 'call' ? [api] : null;
}

/** Forgets calls and stops the ones still ringing or being played. */
export async function clearCalls(context: SandboxContext): Promise<void> {
  const cancelled = context.callSimulator.cancelAll();
  context.calls.clear();
  await cancelled;
}

async function armFault(
  context: SandboxContext,
  target: FaultTarget,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // JSON only, as the REST server: a page's no-cors POST (text/plain, a form) cannot arm a fault.
  if (!isJsonContentType(request.headers['content-type'])) {
    sendPlivoError(response, 415, 'content type must be application/json');
    return;
  }
  const body = await readBody(request);
  const parsed = body.tooLarge
    ? { ok: false as const, error: 'request body too large' }
    : parseFault(body.text);
  if (!parsed.ok) {
    sendPlivoError(response, 400, parsed.error);
    return;
  }
  context.faults[target].arm(parsed.plan);
  sendJson(response, 200, { fault: context.faults[target].current() });
}

/** The plan in a POST /__sandbox/faults body. */
export function parseFault(raw: string): FaultPlanParse {
  try {
    return parseFaultPlan(JSON.parse(raw));
  } catch {
    return { ok: false, error: 'invalid json data' };
  }
}
