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
