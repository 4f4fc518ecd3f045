import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { errorResponse } from './error-response.ts';
import { challengeResponse } from './guard-pass.ts';

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

/** The refusals a send (a request or a channel switch) can meet before anything goes out. */
export type SendRefusal =
  | { kind: 'rate_limited'; scope: string; retryAfterSeconds: number }
  | { kind: 'challenge_required'; scope: string }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'country_not_allowed'; country: string };

/** One answer per send refusal, the same for POST /otp/request and a channel switch. */
export function sendRefusalResponse(c: Context<AppEnv>, refusal: SendRefusal) {
  switch (refusal.kind) {
    case 'rate_limited':
      return rateLimitedResponse(c, refusal);
    case 'challenge_required':
      return challengeResponse(c, refusal.scope);
    case 'locked':
      return errorResponse(c, 'too_many_attempts', { retryAfterSeconds: refusal.retryAfterSeconds });
    case 'country_not_allowed':
      return errorResponse(c, 'country_not_allowed', { extra: { country: refusal.country } });
  }
}
