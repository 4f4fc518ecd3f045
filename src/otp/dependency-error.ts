/**
 * A dependency (the store, Plivo, siteverify, the events queue) could not answer in time or at all. Thrown, not
 * returned: no flow can do anything useful with it but stop, and the HTTP layer turns it into a
 * 503. `detail` is for logs only and must never carry codes, phone numbers or secrets.
 */
export class DependencyUnavailableError extends Error {
  readonly dependency: 'store' | 'sms' | 'captcha' | 'queue';
  readonly detail: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(dependency: 'store' | 'sms' | 'captcha' | 'queue', detail: string, retryAfterSeconds?: number) {
    super(`${dependency} unavailable: ${detail}`);
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
