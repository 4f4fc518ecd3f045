import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';

/**
 * Larger than any valid request with room to spare: a number and a code fit in far less than
 * 2 KB. `/otp/request` may also carry a Turnstile token, which Cloudflare allows to be 2,048
 * characters on its own, so that route gets 4 KB; a 2 KB cap there would refuse real tokens.
 */
export const MAX_BODY_BYTES = 2048;
export const MAX_BODY_BYTES_WITH_CAPTCHA = 4096;

/**
 * POST bodies must be JSON and small. Without this, Hono reads a non-JSON body as `{}` and the
 * caller gets a confusing "phone is required".
 */
export function jsonBodyOnly(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  const limitBody = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => errorResponse(c, 'payload_too_large'),
  });
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i.test(type.trim())) {
      return errorResponse(c, 'unsupported_media_type');
    }
    return limitBody(c, next);
  };
}
