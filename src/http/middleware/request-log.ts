import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv, RequestLog } from '../app-env.ts';

/**
 * Keeps the country code and the last two digits: enough to tell numbers apart in an incident,
 * not enough to contact anyone.
 */
export function maskPhone(e164: string): string {
  if (e164.length <= 6) return '+***';
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`;
}

/**
 * One JSON line per request, whatever happened: what the handlers, the configuration check and the
 * error handler found goes into this line, never into a second one. Errors (a 5xx) go to
 * `console.error`, so Workers Logs can filter on the level.
 */
export function requestLogger(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const log: RequestLog = {};
    c.set('log', log);
    await next();
    const services = c.get('services');
    const write = c.res.status >= 500 ? console.error : console.log;
    write(
      JSON.stringify({
        requestId: c.get('requestId'),
        method: c.req.method,
        route: routePath(c),
        status: c.res.status,
        outcome: log.outcome ?? (c.res.ok ? 'ok' : 'error'),
        country: log.country,
        phone: log.phone,
        latencyMs: Date.now() - started,
        storeRoundTrips: services?.roundTrips.storeRoundTrips ?? 0,
        ...(log.locale ? { locale: log.locale } : {}),
        ...(log.detail ? { detail: log.detail } : {}),
        ...(log.warnings ? { warnings: log.warnings } : {}),
        ...(log.problems ? { problems: log.problems } : {}),
        ...(log.error ? { error: log.error.name, stack: log.error.stack } : {}),
      }),
    );
  };
}
