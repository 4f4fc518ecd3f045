import type { Context, MiddlewareHandler } from 'hono';
import { loadConfig } from '../../config/config.ts';
import type { AppEnv } from '../app-env.ts';

const ALLOW_METHODS = 'POST,GET,DELETE,OPTIONS';
const ALLOW_HEADERS = 'content-type,authorization,cf-turnstile-response,x-request-id';
// Without these a page could not read when to retry, or quote the request id to support.
const EXPOSE_HEADERS = 'retry-after,x-request-id';
const MAX_AGE_SECONDS = '600';

/**
 * Which browser pages on other origins may call the API: exactly the origins in CORS_ORIGINS,
 * echoed back one at a time (never `*`), and no cookies. Server callers need nothing from this:
 * their requests carry no Origin, so they get no CORS headers unless they send an allowed one.
 * Every answer says `Vary: Origin`, so a cache never hands one origin's answer to another.
 *
 * Runs before the config middleware, so it reads the (per-isolate cached) config itself: a
 * preflight is answered without building any adapter, and a misconfigured service allows no
 * origin instead of failing the preflight (its other requests answer 503 anyway).
 *
 * Hono's own `cors()` answers the same, but it writes its headers into `c.res` before the route
 * has run, even for a caller without Origin, which makes Hono build every response three times and
 * copy its headers twice. Here the headers wait in the context (`c.header`) until the route builds
 * its one response (bench/results.md, "CPU: where a verify's time goes").
 */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && isAllowedOrigin(c, origin) ? origin : undefined;
    if (allowed) {
      c.header('Access-Control-Allow-Origin', allowed);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    // Every OPTIONS is a preflight here: the API has no OPTIONS route of its own.
    if (c.req.method === 'OPTIONS') {
      c.header('Vary', 'Origin, Access-Control-Request-Headers');
      c.header('Access-Control-Max-Age', MAX_AGE_SECONDS);
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      return c.body(null, 204);
    }
    await next();
    varyOnOrigin(c);
  };
}

function isAllowedOrigin(c: Context<AppEnv>, origin: string): boolean {
  const loaded = loadConfig(c.env);
  return loaded.ok && loaded.config.access.corsOrigins.includes(origin);
}

/** Appended in place: `c.header` after the route would copy the whole response first. */
function varyOnOrigin(c: Context<AppEnv>): void {
  try {
    c.res.headers.append('Vary', 'Origin');
  } catch {
    // A Response built elsewhere (a fetch's) has immutable headers: Hono copies it then.
    c.header('Vary', 'Origin', { append: true });
  }
}
