import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';

/** 401 without a valid API key, 403 with a key that is not an admin key. */
export function adminOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (caller.kind !== 'server') {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(c, 'unauthorized');
    }
    if (!caller.admin) return errorResponse(c, 'forbidden');
    await next();
  };
}
