/**
 * Why an answer did not come from the API:
 * - `network_error`: no HTTP answer at all (refused connection, DNS, TLS, a reset mid-body);
 * - `timeout`: no whole answer within the client's `timeoutMs`;
 * - `invalid_response`: an HTTP answer that is not the API's JSON (a proxy's HTML error page, a
 *   wrong base URL).
 */
export type OtpClientErrorCode = 'network_error' | 'timeout' | 'invalid_response';

/**
 * Thrown only when an answer did not come from this API; every answer of the API itself, error or
 * not, is a result value. The underlying error (fetch's `TypeError`, the `TimeoutError`) is `cause`.
 */
export class OtpClientError extends Error {
  override name = 'OtpClientError';
  /** Branch on this: what went wrong between the client and the API. */
  readonly code: OtpClientErrorCode;
  /** The HTTP status that came back; undefined when none did (`network_error`, `timeout`). */
  readonly status: number | undefined;
  constructor(code: OtpClientErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}
