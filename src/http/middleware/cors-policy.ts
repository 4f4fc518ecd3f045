import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { loadConfig } from '../../config/config.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * Which browser pages on other origins may call the API: exactly the origins in CORS_ORIGINS,
 * echoed back one at a time (never `*`), and no cookies. Server callers need nothing from this:
 * their requests carry no Origin, so they get no CORS headers unless they send an allowed one.
 *
 * Runs before the config middleware, so it reads the (per-isolate cached) config itself: a
 * preflight is answered without building any adapter, and a misconfigured service allows no
 * origin instead of failing the preflight (its other requests answer 503 anyway).
 */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) => {
      const loaded = loadConfig(c.env);
      return loaded.ok && loaded.config.access.corsOrigins.includes(origin) ? origin : null;
    },
    allowMethods: ['POST', 'GET', 'DELETE', 'OPTIONS'],
    allowHeaders: ['content-type', 'authorization', 'cf-turnstile-response', 'x-request-id'],
    // Without these a page could not read when to retry, or quote the request id to support.
    exposeHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  });
}
