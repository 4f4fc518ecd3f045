import { type OtpResult, readResult } from './otp-result.ts';
import type { OtpApproved, OtpPending, OtpRequestBody } from './wire-types.ts';

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
  /** The SMS's language (BCP 47, e.g. `pt-BR`); without it, the number's country decides. */
  locale?: string;
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

export function createOtpClient(options: OtpClientOptions): OtpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((request: Request) => fetch(request));

  async function post<T>(path: string, body: object, endUserIp: string | undefined) {
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
    if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`);
    if (endUserIp) headers.set('x-end-user-ip', endUserIp);
    const response = await send(
      new Request(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    );
    return readResult<T>(response, path);
  }

  return {
    requestCode(phone, { turnstileToken, endUserIp, locale } = {}) {
      const body: OtpRequestBody = { phone };
      if (locale !== undefined) body.locale = locale;
      if (turnstileToken !== undefined) body.turnstileToken = turnstileToken;
      return post<OtpPending>('/otp/request', body, endUserIp);
    },
    verifyCode(phone, code, { endUserIp } = {}) {
      return post<OtpApproved>('/otp/verify', { phone, code }, endUserIp);
    },
  };
}
