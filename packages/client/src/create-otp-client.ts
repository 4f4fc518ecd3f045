import { type OtpResult, readResult, transportError } from './otp-result.ts';
import type {
  ChannelSwitchBody,
  OtpApproved,
  OtpCanceled,
  OtpChannelSwitched,
  OtpPending,
  OtpRequestBody,
  OtpVerification,
  OtpVerifyBody,
  Transaction,
} from './wire-types.ts';

export interface OtpClientOptions {
  /** Where the Worker runs, e.g. `https://otp.example.com` (a trailing slash is fine). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. Server callers only: never ship a key to browsers. */
  apiKey?: string;
  /** Default: the global `fetch`. Tests pass one that calls the app directly. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * How long one call may take, answer body included, before it throws `OtpClientError` with code
   * `timeout`. Default 10000: longer than the API's own deadlines (Plivo 5 s, the store 1.5 s), so
   * a slow SMS provider is answered by the API's 503, not by this timeout.
   */
  timeoutMs?: number;
}

export interface RequestCodeOptions {
  /** From the Turnstile widget, when the service checks browsers (browser callers only). */
  turnstileToken?: string;
  /** Your end user's IP, so per-IP limits apply to them and not to your server (needs `apiKey`). */
  endUserIp?: string;
  /** `sms` (default), `voice`, `whatsapp`, or `auto` (an SMS, then a call if it is reported failed). */
  channel?: 'sms' | 'voice' | 'whatsapp' | 'auto';
  /** The SMS's language (BCP 47, e.g. `pt-BR`); without it, the number's country decides. */
  locale?: string;
  /** Your login attempt's id: the receipt's `nonce` claim carries it back. */
  nonce?: string;
  /** The payment the code confirms: named in the SMS and in the receipt's `transaction` claim. */
  transaction?: Transaction;
  /**
   * `apiKey` callers only: your app already trusts this user, so the send spends your key's own
   * fraud-guard budget instead of the country's (a browser caller sending it gets invalid_request).
   */
  trustedUser?: boolean;
}

/** A channel switch is a send: it takes the same bot check and vouching as a request. */
export interface SwitchChannelOptions {
  endUserIp?: string;
  /** From the Turnstile widget (always, or after a `challenge_required` error). */
  turnstileToken?: string;
  /** As for requestCode. */
  trustedUser?: boolean;
}

export interface VerifyCodeOptions {
  /** As for requestCode. */
  endUserIp?: string;
}

export interface VerifyCodeWithTransactionOptions extends VerifyCodeOptions {
  /** The request's transaction, checked again: a different one is `transaction_mismatch`. */
  transaction?: Transaction;
}

export interface OtpClient {
  /** Starts a verification: a code by SMS to `phone` (international format, + and country code). */
  requestCode(phone: string, options?: RequestCodeOptions): Promise<OtpResult<OtpPending>>;
  /** Checks `code` against the verification; on success the result carries the signed receipt. */
  verifyCode(
    verificationId: string,
    code: string,
    options?: VerifyCodeWithTransactionOptions,
  ): Promise<OtpResult<OtpApproved>>;
  /** The verification's status, attempts left and delivery status. */
  getVerification(verificationId: string, options?: VerifyCodeOptions): Promise<OtpResult<OtpVerification>>;
  /** Cancels it: its code stops working ("change number"). */
  cancelVerification(verificationId: string, options?: VerifyCodeOptions): Promise<OtpResult<OtpCanceled>>;
  /**
   * "Call me instead": a new code on the same verification over another channel, once
   * OTP_FALLBACK_DELAY_SECONDS have passed since the last one (`fallback_too_soon` before).
   */
  switchChannel(
    verificationId: string,
    channel: 'sms' | 'voice' | 'whatsapp',
    options?: SwitchChannelOptions,
  ): Promise<OtpResult<OtpChannelSwitched>>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function createOtpClient(options: OtpClientOptions): OtpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(
    method: 'POST' | 'GET' | 'DELETE',
    path: string,
    body: object | undefined,
    endUserIp: string | undefined,
  ) {
    const headers = new Headers({ accept: 'application/json' });
    if (body) headers.set('content-type', 'application/json');
    if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`);
    if (endUserIp) headers.set('x-end-user-ip', endUserIp);
    const signal = AbortSignal.timeout(timeoutMs);
    const request = new Request(`${baseUrl}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : null,
      signal,
    });
    let response: Response;
    try {
      response = await send(request);
    } catch (cause) {
      // A custom fetch may not honour the signal's reason: the signal itself says it timed out.
      throw transportError(signal.aborted ? signal.reason : cause, `${method} ${path}`);
    }
    return readResult<T>(response, `${method} ${path}`);
  }
  const verificationPath = (id: string) => `/otp/verifications/${encodeURIComponent(id)}`;

  return {
    requestCode(phone, { turnstileToken, endUserIp, channel, locale, nonce, transaction, trustedUser } = {}) {
      const body: OtpRequestBody = { phone };
      if (trustedUser !== undefined) body.trustedUser = trustedUser;
      if (channel !== undefined) body.channel = channel;
      if (locale !== undefined) body.locale = locale;
      if (nonce !== undefined) body.nonce = nonce;
      if (transaction !== undefined) body.transaction = transaction;
      if (turnstileToken !== undefined) body.turnstileToken = turnstileToken;
      return call<OtpPending>('POST', '/otp/request', body, endUserIp);
    },
    verifyCode(verificationId, code, { endUserIp, transaction } = {}) {
      const body: OtpVerifyBody = { verificationId, code };
      if (transaction !== undefined) body.transaction = transaction;
      return call<OtpApproved>('POST', '/otp/verify', body, endUserIp);
    },
    getVerification(verificationId, { endUserIp } = {}) {
      return call<OtpVerification>('GET', verificationPath(verificationId), undefined, endUserIp);
    },
    cancelVerification(verificationId, { endUserIp } = {}) {
      return call<OtpCanceled>('DELETE', verificationPath(verificationId), undefined, endUserIp);
    },
    switchChannel(verificationId, channel, { endUserIp, turnstileToken, trustedUser } = {}) {
      const body: ChannelSwitchBody = { channel };
      if (turnstileToken !== undefined) body.turnstileToken = turnstileToken;
      if (trustedUser !== undefined) body.trustedUser = trustedUser;
      return call<OtpChannelSwitched>('POST', `${verificationPath(verificationId)}/channel`, body, endUserIp);
    },
  };
}
