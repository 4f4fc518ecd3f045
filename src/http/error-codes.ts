import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one table of error codes clients can see: status and a sentence for humans. Internal
 * reasons (which dependency failed, what Plivo said) go to the log, never into these messages.
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, message: 'The request body is not valid.' },
  invalid_phone: {
    status: 400,
    message: 'This phone number is not valid: `issues` says why.',
  },
  invalid_code: { status: 400, message: 'That code is not correct.' },
  unauthorized: { status: 401, message: 'A valid API key is required.' },
  forbidden: { status: 403, message: 'This API key may not do that.' },
  invalid_signature: { status: 403, message: 'The request signature is missing or not valid.' },
  captcha_failed: { status: 403, message: 'The bot check failed. Please try again.' },
  challenge_required: {
    status: 403,
    message: 'Please confirm you are a person, then send the same request again with the solved token.',
  },
  country_not_allowed: { status: 403, message: 'Codes cannot be sent to numbers in this country.' },
  not_found: { status: 404, message: 'No such endpoint.' },
  verification_not_found: {
    status: 404,
    message:
      'No such verification: it is unknown, expired, canceled or replaced by a newer one. Request a new code.',
  },
  dead_event_not_found: {
    status: 404,
    message: 'No dead event with this id: it was replayed, or never died.',
  },
  method_not_allowed: { status: 405, message: 'This endpoint does not accept that method.' },
  already_approved: { status: 409, message: 'This verification was approved; it cannot be canceled.' },
  transaction_mismatch: {
    status: 409,
    message:
      'This is not the transaction the code was sent for. The code no longer works: request a new code for this transaction.',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  unsupported_number: { status: 422, message: 'This number cannot receive verification codes by SMS.' },
  channel_unavailable: { status: 422, message: 'This service does not send codes over this channel.' },
  resend_too_soon: { status: 429, message: 'A code was sent recently. Wait before requesting another.' },
  fallback_too_soon: {
    status: 429,
    message: 'The code was sent moments ago. Wait a little before asking for it another way.',
  },
  too_many_attempts: {
    status: 429,
    message: 'Too many wrong codes for this number. Wait before requesting a new code.',
  },
  max_attempts_reached: {
    status: 429,
    message: 'This code had too many wrong guesses and no longer works. Request a new code.',
  },
  rate_limited: { status: 429, message: 'Too many requests. Try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  sms_failed: { status: 502, message: 'The code could not be sent to this number.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable. Try again shortly.' },
  misconfigured: { status: 503, message: 'The service is not configured correctly.' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; [extra: string]: unknown };
}

export function errorBody(code: ErrorCode, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message: ERROR_CODES[code].message, ...extra } };
}
