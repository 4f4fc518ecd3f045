/**
 * A typed client for the otp-edge API, for a customer's backend (or a browser app):
 *
 *   import { createOtpClient } from 'otp-edge/client';
 *   const otp = createOtpClient({ baseUrl: 'https://otp.example.com', apiKey: process.env.OTP_API_KEY });
 *   const sent = await otp.requestCode('+14155552671', { endUserIp });
 *   if (!sent.ok && sent.error.code === 'resend_too_soon') wait(sent.error.retryAfterSeconds);
 *   const checked = await otp.verifyCode('+14155552671', '123456');
 *   if (checked.ok) sendToYourBackend(checked.data.receipt);
 *
 * Hand-written rather than Hono's `hc<AppType>`: no runtime dependency (hc adds ~2 KiB gzip and
 * its error types are a union per status), and results are one discriminated union. The types
 * come from the same zod schemas and error table the Worker uses, imported as types only.
 */
import type * as z from 'zod/mini';
import type { ErrorCode } from './http/error-codes.ts';
import type { otpApprovedResponse, otpPendingResponse } from './http/schemas.ts';

export type { ErrorCode } from './http/error-codes.ts';

/** `POST /otp/request` succeeded: the SMS is on its way. */
export type OtpPending = z.output<typeof otpPendingResponse>;
/** `POST /otp/verify` succeeded: `receipt` is an ES256 JWT for your backend (check it with the JWKS). */
export type OtpApproved = z.output<typeof otpApprovedResponse>;

export interface OtpApiError {
  /** Stable; branch on this. A newer server may add codes; they arrive as they are. */
  code: ErrorCode;
  /** For humans, in English; may change. */
  message: string;
  /** With `resend_too_soon`, `too_many_attempts`, `rate_limited`, `unavailable`: when to try again. */
  retryAfterSeconds?: number;
  /** With `invalid_code`: wrong guesses left for this code. */
  attemptsRemaining?: number;
  /** With `invalid_request`: which field is wrong and why. */
  issues?: { field: string; problem: string }[];
}

export type OtpResult<T> = { ok: true; data: T } | { ok: false; status: number; error: OtpApiError };

export interface OtpClientOptions {
  /** Where the Worker runs, e.g. `https://otp.example.com` (a trailing slash is fine). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. Server callers only: never ship a key to browsers. */
  apiKey?: string;
  /** Default: the global `fetch`. Tests pass one that calls the app directly. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface RequestCodeOptions {
  /** From the Turnstile widget, when the service checks browsers (browser callers only). */
  turnstileToken?: string;
  /** Your end user's IP, so per-IP limits apply to them and not to your server (needs `apiKey`). */
  endUserIp?: string;
}

export interface VerifyCodeOptions {
  /** As for requestCode. */
  endUserIp?: string;
}

export interface OtpClient {
  /** Sends a code by SMS to `phone` (international format, + and country code). */
  requestCode(phone: string, options?: RequestCodeOptions): Promise<OtpResult<OtpPending>>;
  /** Checks `code`; on success the result carries the signed receipt. */
  verifyCode(phone: string, code: string, options?: VerifyCodeOptions): Promise<OtpResult<OtpApproved>>;
}

/**
 * Thrown only when an answer did not come from this API: a network failure (fetch's own error
 * propagates), or a response that is not its JSON (a proxy's HTML error page, a wrong base URL).
 * Every answer of the API itself, error or not, is a result value.
 */
export class OtpClientError extends Error {
  override name = 'OtpClientError';
  /** The HTTP status that came back. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export function createOtpClient(options: OtpClientOptions): OtpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((request: Request) => fetch(request));

  async function post<T>(path: string, body: Record<string, string>, endUserIp: string | undefined) {
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
    if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`);
    if (endUserIp) headers.set('x-end-user-ip', endUserIp);
    const response = await send(
      new Request(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    );
    return readResult<T>(response, path);
  }

  return {
    requestCode(phone, { turnstileToken, endUserIp } = {}) {
      const body: Record<string, string> = { phone };
      if (turnstileToken !== undefined) body.turnstileToken = turnstileToken;
      return post<OtpPending>('/otp/request', body, endUserIp);
    },
    verifyCode(phone, code, { endUserIp } = {}) {
      return post<OtpApproved>('/otp/verify', { phone, code }, endUserIp);
    },
  };
}

async function readResult<T>(response: Response, path: string): Promise<OtpResult<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new OtpClientError(`POST ${path}: HTTP ${response.status} without a JSON body`, response.status);
  }
  if (response.ok && isObject(body)) return { ok: true, data: body as T };
  const error = isObject(body) ? body.error : undefined;
  if (
    !response.ok &&
    isObject(error) &&
    typeof error.code === 'string' &&
    typeof error.message === 'string'
  ) {
    return { ok: false, status: response.status, error: error as unknown as OtpApiError };
  }
  throw new OtpClientError(`POST ${path}: HTTP ${response.status} with an unexpected body`, response.status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
