/**
 * What the otp-edge API sends, written out as plain types so the published declarations need
 * neither zod nor the Worker's source. The Worker's schemas and error table stay the truth: the
 * repository's type-check fails when these drift from them (test/worker/client.test.ts).
 */

/** Every error code the API answers with. Stable: branch on these, never on messages. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_phone'
  | 'invalid_code'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_signature'
  | 'captcha_failed'
  | 'challenge_required'
  | 'country_not_allowed'
  | 'not_found'
  | 'verification_not_found'
  | 'dead_event_not_found'
  | 'method_not_allowed'
  | 'already_approved'
  | 'transaction_mismatch'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unsupported_number'
  | 'channel_unavailable'
  | 'resend_too_soon'
  | 'fallback_too_soon'
  | 'too_many_attempts'
  | 'max_attempts_reached'
  | 'rate_limited'
  | 'internal_error'
  | 'sms_failed'
  | 'unavailable'
  | 'misconfigured';

/**
 * Which limit refused a `rate_limited` request: a plain limit (`phone`, `ip` = the client's network,
 * `prefix`, `country`, `global`) or one of the fraud guard's cells (`range`, `block`, `country`,
 * `global`).
 */
export type RateLimitScope =
  | 'phone'
  | 'ip'
  | 'prefix'
  | 'country'
  | 'global'
  | 'range'
  | 'block'
  | 'challenged'
  | 'trusted';

/** The body of `POST /otp/request`. */
export interface OtpRequestBody {
  /** International format: + and the country code. */
  phone: string;
  /**
   * `sms` (default), `voice`, `whatsapp`, or `auto` (an SMS, then a call by itself if the SMS is
   * reported failed); a `transaction` requires `sms`.
   */
  channel?: 'sms' | 'voice' | 'whatsapp' | 'auto';
  /**
   * The SMS's language, a BCP 47 tag (`fr`, `pt-BR`, `zh-Hant`). Unknown but well-formed tags fall
   * back (their language, the number's country, English); left out, the number's country decides.
   */
  locale?: string;
  /**
   * Your login attempt's id, 1-128 visible ASCII characters without spaces: the receipt's `nonce`
   * claim carries it back unchanged, so your backend accepts a receipt only for that attempt.
   */
  nonce?: string;
  /** The payment the code confirms: named in the SMS, copied into the receipt's `transaction` claim. */
  transaction?: Transaction;
  /**
   * From the Turnstile widget, when the service checks browsers: on every request
   * (TURNSTILE_MODE=always), or with the same request again after a `challenge_required` error.
   */
  turnstileToken?: string;
  /**
   * API-key callers only: your app already trusts this user; the send spends your key's own
   * fraud-guard budget instead of the country's.
   */
  trustedUser?: boolean;
}

/** A payment to confirm (PSD2 dynamic linking). Sent and compared exactly as written. */
export interface Transaction {
  /** A decimal string without sign or leading zero, at most 4 decimals: `"1250.00"`. */
  amount: string;
  /** ISO 4217 in capitals: `"EUR"`. */
  currency: string;
  /** 1-35 characters of the GSM-7 basic alphabet, without `@`, line breaks or outer spaces. */
  payee: string;
}

/** The body of `POST /otp/verify`. */
export interface OtpVerifyBody {
  verificationId: string;
  code: string;
  /**
   * The request's transaction, when you want the service to check it is still the same one: a
   * different one is `409 transaction_mismatch` and the code stops working.
   */
  transaction?: Transaction;
}

/** The body of `POST /otp/verifications/{id}/channel` ("call me instead"). */
export interface ChannelSwitchBody {
  channel: 'sms' | 'voice' | 'whatsapp';
  /** As for a request: a switch is a send and meets the same bot check. */
  turnstileToken?: string;
  /** As for a request: `apiKey` callers only. */
  trustedUser?: boolean;
}

/** `POST /otp/request` succeeded: the SMS is on its way. */
export interface OtpPending {
  /** The only handle on this verification (verify, status, cancel). Keep it like a secret. */
  verificationId: string;
  status: 'pending';
  /** The channel the code went out on (`sms` for `auto`). */
  channel: 'sms' | 'voice' | 'whatsapp';
  /** `auto` only: the service will call with a fresh code if the SMS is reported failed. */
  fallback?: 'voice';
  /** The code's lifetime (`OTP_TTL_SECONDS`). */
  expiresInSeconds: number;
  /** When this number may ask for another code. */
  resendAfterSeconds: number;
}

/** `POST /otp/verify` succeeded: `receipt` is an ES256 JWT for your backend (check it with the JWKS). */
export interface OtpApproved {
  status: 'approved';
  receipt: string;
  /** The receipt's lifetime (`RECEIPT_TTL_SECONDS`). */
  expiresInSeconds: number;
}

/** `GET /otp/verifications/{id}`. */
export interface OtpVerification {
  verificationId: string;
  /**
   * `max_attempts_reached`: the code took every wrong guess it was allowed and can never be
   * approved; request a new code.
   */
  status: 'pending' | 'approved' | 'canceled' | 'expired' | 'max_attempts_reached';
  /** Wrong guesses left on the code (0 once it is no longer pending). */
  attemptsRemaining: number;
  /** ISO 8601. */
  expiresAt: string;
  /** Masked: the country code and the last two digits. */
  phone: string;
  /** A configured test number: no SMS was sent. */
  testNumber: boolean;
  /** The channel the code went out on. */
  channel: 'sms' | 'voice' | 'whatsapp';
  /** Plivo's latest delivery status, null until a report arrived. */
  delivery: { status: string } | null;
}

/** `DELETE /otp/verifications/{id}`. */
export interface OtpCanceled {
  verificationId: string;
  status: 'canceled';
}

/** `POST /otp/verifications/{id}/channel`: a new code went out over `channel`; the old one is void. */
export interface OtpChannelSwitched {
  verificationId: string;
  status: 'pending';
  channel: 'sms' | 'voice' | 'whatsapp';
  /** The new code's lifetime (`OTP_TTL_SECONDS`). */
  expiresInSeconds: number;
  /** When this number may ask for another code by POST /otp/request. */
  resendAfterSeconds: number;
}

export interface OtpApiError {
  /** Stable; branch on this. A newer server may add codes; they arrive as they are. */
  code: ErrorCode;
  /** For humans, in English; may change. */
  message: string;
  /**
   * With `resend_too_soon`, `too_many_attempts`, `rate_limited`, `unavailable`: when to try again;
   * with `max_attempts_reached`: when a new code may be requested (absent: now).
   */
  retryAfterSeconds?: number;
  /** With `invalid_code`: wrong guesses left for this code. */
  attemptsRemaining?: number;
  /** With `rate_limited`: which limit was hit. */
  scope?: RateLimitScope;
  /** With `captcha_failed`: Cloudflare Turnstile's error codes, e.g. `timeout-or-duplicate`. */
  reasons?: string[];
  /** With `challenge_required`: the widget to render; send the same request again with its token. */
  challenge?: { type: 'turnstile'; siteKey?: string };
  /** With `invalid_request` and `invalid_phone`: which field is wrong and why. */
  issues?: { field: string; problem: string }[];
  /**
   * Development deployments only (`npm run dev`), with `rate_limited`, `resend_too_soon` and
   * `too_many_attempts`: how to reset the local limits at once. Never sent in production.
   */
  hint?: string;
}
