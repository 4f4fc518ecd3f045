import type { MiddlewareHandler } from 'hono';
import { matchApiKey } from '../../auth/api-keys.ts';
import { configOfApp } from '../../config/config.ts';
import type { AppEnv, Caller } from '../app-env.ts';
import { resolveClientIp } from '../client-ip.ts';
import { errorResponse } from '../error-response.ts';

/**
 * Pages and documents anyone may fetch: they never ask for a key and never look at one, so a
 * health checker or a browser that happens to send an Authorization header is not turned away.
 */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  '/',
  '/health',
  '/.well-known/jwks.json',
  '/openapi.json',
  '/docs',
]);

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Sets `caller` and `clientIp`. `Authorization: Bearer <key>` with a valid key makes a server
 * caller; any Authorization header that is not a valid key is a 401, never a silent downgrade to
 * a browser caller (a backend with a revoked key should fail loudly, not start failing bot
 * checks). Runs after the config middleware.
 */
export function identifyCaller(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deploymentAudience = c.get('config').receipt.audience;
    // A browser caller is the default app's (docs/apps.md): no `app`.
    let caller: Caller = { kind: 'browser', receiptAudience: deploymentAudience };
    const authorization = c.req.header('authorization');
    if (authorization !== undefined && !PUBLIC_PATHS.has(c.req.path)) {
      const token = BEARER.exec(authorization)?.[1];
      const key = token === undefined ? undefined : await matchApiKey(token, c.get('config').access.apiKeys);
      if (key === undefined) {
        c.get('log').detail = token === undefined ? 'authorization is not a bearer token' : 'unknown api key';
        c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        return errorResponse(c, 'unauthorized');
      }
      // Another app's key (docs/apps.md): from here on the request sees that app's settings and services.
      let appConfig = c.get('config');
      if (key.app !== undefined) {
        const app = configOfApp(appConfig, key.app);
        const services = c.get('services').forApp(key.app);
        if (app === undefined || services === undefined) throw new Error('api key of an unknown app');
        appConfig = app;
        c.set('config', app);
        c.set('services', services);
      }
      caller = {
        kind: 'server',
        admin: key.admin,
        receiptAudience: key.audience ?? appConfig.receipt.audience,
        keyId: key.keyId,
        app: key.app,
      };
    }

    const ip = resolveClientIp(c.req.raw.headers, caller);
    if (!ip.ok) {
      return errorResponse(c, 'invalid_request', {
        extra: { issues: [{ field: 'X-End-User-IP', problem: ip.problem }] },
      });
    }
    c.set('caller', caller);
    c.set('clientIp', ip.ip);
    await next();
  };
}

/** With REQUIRE_API_KEY, the routes it guards answer 401 to anyone without a valid key. */
export function requireApiKeyWhenConfigured(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('config').access.requireApiKey && c.get('caller').kind !== 'server') {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(c, 'unauthorized');
    }
    await next();
  };
}
