import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './error-response.ts';

/** Larger than any valid request (a number, a code, a captcha token) with room to spare. */
export const MAX_BODY_BYTES = 2048;

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => errorResponse(c, 'payload_too_large'),
});

/**
 * POST bodies must be JSON and small. Without this, Hono reads a non-JSON body as `{}` and the
 * caller gets a confusing "phone is required".
 */
export function jsonBodyOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i.test(type.trim())) {
      return errorResponse(c, 'unsupported_media_type');
    }
    return limitBody(c, next);
  };
}
