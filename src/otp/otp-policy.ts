/** The OTP rules an operator sets (OTP_*), as src/config parses them. */
export interface OtpPolicy {
  /** Digits per code. */
  readonly length: number;
  /** Code lifetime, also the SMS's expiry at the provider. */
  readonly ttlSeconds: number;
  /** Wrong guesses per code; the one that reaches it burns the code. */
  readonly maxAttempts: number;
  /** Wrong guesses per number per rolling day, across resends; then the number is locked. */
  readonly maxFailuresPerDay: number;
  /** Wrong guesses per number per rolling day from one client network; then that network is refused on it. */
  readonly maxFailuresPerClient: number;
  /** Wait before the same number gets a new code. */
  readonly resendCooldownSeconds: number;
  /** Wait after a code before the user may switch its verification to another channel. */
  readonly fallbackDelaySeconds: number;
}
