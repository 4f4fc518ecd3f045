import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { ERROR_CODES, type ErrorCode, errorBody } from './error-codes.ts';

export interface ErrorOptions {
  extra?: Record<string, unknown>;
  retryAfterSeconds?: number | undefined;
}

/** Every error leaves through here, so the body shape and Retry-After are the same everywhere. */
export function errorResponse<C extends ErrorCode>(c: Context<AppEnv>, code: C, options: ErrorOptions = {}) {
  const log = c.get('log');
  if (log) log.outcome = code;
  const extra = { ...options.extra };
  if (options.retryAfterSeconds !== undefined) {
    const seconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
    c.header('Retry-After', String(seconds));
    extra.retryAfterSeconds = seconds;
  }
  return c.json(errorBody(code, extra), ERROR_CODES[code].status as (typeof ERROR_CODES)[C]['status']);
}

/** `400 invalid_request` for one field a use case refused, in the shape of the schema's issues. */
export function invalidFieldResponse(
  c: Context<AppEnv>,
  { field, problem }: { field: string; problem: string },
) {
  return errorResponse(c, 'invalid_request', { extra: { issues: [{ field, problem }] } });
}
