import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv, RequestLog } from '../app-env.ts';
import { createRequestTimings, serverTimingHeader } from '../server-timing.ts';

/**
 * One JSON line per request, whatever happened: what the handlers, the configuration check and the
 * error handler found goes into this line, never into a second one. Errors (a 5xx) go to
 * `console.error`, so Workers Logs can filter on the level.
 *
 * Work handed to `afterResponse` (the Worker's waitUntil) does not hold up the response, but it
 * belongs to the request: the line is written once that work has settled, so its store round trips
 * and failures are in it. `latencyMs` stays the time to the response.
 *
 * Every answer carries a `Server-Timing` header with the same spans as the line's `spans`
 * (../server-timing.ts says what they mean and why they are safe to show a browser).
 */
export function requestLogger(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const timings = createRequestTimings();
    c.set('timings', timings);
    const log: RequestLog = {};
    const pending: Promise<unknown>[] = [];
    c.set('log', log);
    c.set('afterResponse', (promise) => {
      pending.push(promise);
      c.executionCtx.waitUntil(promise);
    });
    await next();
    const latencyMs = Date.now() - started;
    const spans = timings.spans();
    setServerTiming(c, serverTimingHeader(spans));
    const route = routePath(c);
    const { status, ok } = c.res;
    const writeLine = () => {
      const write = status >= 500 ? console.error : console.log;
      write(
        JSON.stringify({
          requestId: c.get('requestId'),
          method: c.req.method,
          route,
          status,
          outcome: log.outcome ?? (ok ? 'ok' : 'error'),
          country: log.country,
          phone: log.phone,
          latencyMs,
          storeRoundTrips: c.get('services')?.roundTrips.storeRoundTrips ?? 0,
          spans,
          ...(log.locale ? { locale: log.locale } : {}),
          ...(log.detail ? { detail: log.detail } : {}),
          ...(log.warnings ? { warnings: log.warnings } : {}),
          ...(log.problems ? { problems: log.problems } : {}),
          ...(log.error ? { error: log.error.name, stack: log.error.stack } : {}),
        }),
      );
    };
    if (pending.length === 0) writeLine();
    else c.executionCtx.waitUntil(Promise.allSettled(pending).then(writeLine));
  };
}

/** A Response built elsewhere (a static asset's, a fetch's) may have immutable headers: copy it then. */
function setServerTiming(c: Context<AppEnv>, value: string): void {
  try {
    c.res.headers.set('Server-Timing', value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set('Server-Timing', value);
  }
}
