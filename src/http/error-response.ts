import type { Context } from 'hono';
import { parsePhone } from '../phone/parse-phone.ts';
import type { AppEnv } from './app-env.ts';
import { ERROR_CODES, type ErrorCode, errorBody } from './error-codes.ts';

export interface ErrorOptions {
  extra?: Record<string, unknown>;
  retryAfterSeconds?: number | undefined;
}

/**
 * The refusals a developer's own exploring runs into under `npm run dev` (everything comes from
 * 127.0.0.1, one client to the limits) and that resetting the local limits lifts.
 */
const RESETTABLE_LOCALLY: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'resend_too_soon',
  'too_many_attempts',
]);

/** In development only: how to lift the limit at once instead of waiting it out. */
function developmentHint(c: Context<AppEnv>, code: ErrorCode): string | undefined {
  const config = c.get('config');
  if (config?.environment !== 'development' || !RESETTABLE_LOCALLY.has(code)) return undefined;
  const inbox = config.pages.sandboxInboxUrl;
  return `Development only: your own requests from this machine met this limit. Lift it (and every local limit, cooldown and lockout) at once with "Reset local limits" in the Plivo sandbox inbox${inbox ? ` (${inbox})` : ''} or \`npm run local:reset-limits\`.`;
}

/** Every error leaves through here, so the body shape and Retry-After are the same everywhere. */
export function errorResponse<C extends ErrorCode>(c: Context<AppEnv>, code: C, options: ErrorOptions = {}) {
  const log = c.get('log');
  if (log) log.outcome = code;
  const extra = { ...options.extra };
  const hint = developmentHint(c, code);
  if (hint !== undefined) extra.hint = hint;
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

/**
 * `400 invalid_phone` with what is wrong with the number (too short, too long, not a valid number
 * for its country...), as libphonenumber sees it, in the shape of the schema's issues.
 */
export function invalidPhoneResponse(c: Context<AppEnv>, phone: string) {
  const parsed = parsePhone(phone);
  const problem = parsed.ok ? 'not a number this service can use' : parsed.problem;
  return errorResponse(c, 'invalid_phone', { extra: { issues: [{ field: 'phone', problem }] } });
}
