// `/__sandbox/faults`, as both sandboxes serve it: one fault plan (local/support/faults.ts) per API,
// chosen by `?api=message` (the default, as before calls existed) or `?api=call`. GET shows the
// plan, POST arms one from a JSON body, DELETE disarms it, or both plans when no `api` is given.
// `?api=drops`: the silent delivery failures per country (./silent-drops.ts), GET, POST, DELETE alike.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType } from './browser-lockdown.ts';
import { FaultInjector, type FaultPlanParse, parseFaultPlan } from './faults.ts';
import type { BodyText } from './http.ts';
import { sendNoContent } from './http-responses.ts';
import { parseDropPlan, SilentDrops } from './silent-drops.ts';

/** The APIs of a sandbox a fault plan can be armed for, one plan each. */
export type FaultTarget = 'message' | 'call';

export type ApiFaults = Record<FaultTarget, FaultInjector> & { drops: SilentDrops };

export function newApiFaults(): ApiFaults {
  return { message: new FaultInjector(), call: new FaultInjector(), drops: new SilentDrops() };
}

/** How a sandbox reads and answers, in its vendor's shape. */
export interface FaultApiOptions {
  readBody(request: IncomingMessage): Promise<BodyText>;
  sendJson(response: ServerResponse, status: number, body: unknown): void;
  sendError(response: ServerResponse, status: number, message: string): void;
  sendMethodNotAllowed(response: ServerResponse, allowed: readonly string[]): void;
  /** What a POST body that is not JSON at all is told (400). */
  invalidJsonError: string;
  /**
   * Refuse (415) a POST that does not say `application/json` before reading it, even one without a
   * body: for a sandbox whose browser lockdown has no body rule (the Plivo sandbox). The Twilio
   * sandbox's lockdown refuses non-JSON bodies under /__sandbox/ already.
   */
  requireJsonContentType: boolean;
}

export async function answerFaultApi(
  faults: ApiFaults,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  options: FaultApiOptions,
): Promise<void> {
  const method = request.method ?? 'GET';
  if (url.searchParams.get('api') === 'drops') return answerDropApi(faults.drops, request, response, options);
  const targets = faultTargets(url.searchParams.get('api'));
  if (targets === null) return options.sendError(response, 400, '"api" must be message or call');
  const [target = 'message'] = targets;
  if (method === 'GET' || method === 'HEAD')
    options.sendJson(response, 200, { fault: faults[target].current() });
  else if (method === 'POST') await armFault(faults[target], request, response, options);
  else if (method === 'DELETE') {
    for (const each of targets) faults[each].clear();
    if (targets.length > 1) faults.drops.clear();
    sendNoContent(response);
  } else options.sendMethodNotAllowed(response, ['GET', 'HEAD', 'POST', 'DELETE']);
}

/** `?api=message` or `?api=call`; with no `api`, DELETE disarms both, GET and POST mean messages. */
function faultTargets(api: string | null): FaultTarget[] | null {
  if (api === null) return ['message', 'call'];
  return api === 'message' || api === 'call' ? [api] : null;
}

async function armFault(
  faults: FaultInjector,
  request: IncomingMessage,
  response: ServerResponse,
  options: FaultApiOptions,
): Promise<void> {
  // JSON only: a page's no-cors POST (text/plain, a form) cannot arm a fault.
  if (options.requireJsonContentType && !isJsonContentType(request.headers['content-type'])) {
    return options.sendError(response, 415, 'content type must be application/json');
  }
  const body = await options.readBody(request);
  const parsed = body.tooLarge
    ? { ok: false as const, error: 'request body too large' }
    : parseFault(body.text, options.invalidJsonError);
  if (!parsed.ok) return options.sendError(response, 400, parsed.error);
  faults.arm(parsed.plan);
  options.sendJson(response, 200, { fault: faults.current() });
}

function parseFault(raw: string, invalidJsonError: string): FaultPlanParse {
  try {
    return parseFaultPlan(JSON.parse(raw));
  } catch {
    return { ok: false, error: invalidJsonError };
  }
}

async function answerDropApi(
  drops: SilentDrops,
  request: IncomingMessage,
  response: ServerResponse,
  options: FaultApiOptions,
): Promise<void> {
  const method = request.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD')
    return options.sendJson(response, 200, { drops: drops.current(), dropped: drops.dropped() });
  if (method === 'DELETE') {
    drops.clear();
    return sendNoContent(response);
  }
  if (method !== 'POST') return options.sendMethodNotAllowed(response, ['GET', 'HEAD', 'POST', 'DELETE']);
  if (options.requireJsonContentType && !isJsonContentType(request.headers['content-type'])) {
    return options.sendError(response, 415, 'content type must be application/json');
  }
  const body = await options.readBody(request);
  let parsed: ReturnType<typeof parseDropPlan>;
  try {
    parsed = body.tooLarge
      ? { ok: false, error: 'request body too large' }
      : parseDropPlan(JSON.parse(body.text));
  } catch {
    parsed = { ok: false, error: options.invalidJsonError };
  }
  if (!parsed.ok) return options.sendError(response, 400, parsed.error);
  drops.set(parsed.country, parsed.percent);
  options.sendJson(response, 200, { drops: drops.current() });
}
