import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';

/**
 * A Plivo delivery callback is a form of about twenty short fields (well under 1 KB); 8 KB leaves
 * room for fields Plivo may add without letting anyone make the Worker buffer large bodies.
 */
export const MAX_FORM_BODY_BYTES = 8192;

const limitBody = bodyLimit({
  maxSize: MAX_FORM_BODY_BYTES,
  onError: (c) => errorResponse(c, 'payload_too_large'),
});

/** POST bodies must be `application/x-www-form-urlencoded` and small; other methods pass through. */
export function formBodyOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded(\s*;|$)/i.test(type.trim())) {
      return errorResponse(c, 'unsupported_media_type', {
        extra: { accepted: 'application/x-www-form-urlencoded' },
      });
    }
    return limitBody(c, next);
  };
}
