import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './error-response.ts';

/** `429 rate_limited` with the scope that refused and `Retry-After`, the same on every route. */
export function rateLimitedResponse(
  c: Context<AppEnv>,
  outcome: { scope: string; retryAfterSeconds: number },
) {
  return errorResponse(c, 'rate_limited', {
    extra: { scope: outcome.scope },
    retryAfterSeconds: outcome.retryAfterSeconds,
  });
}
