import { hourBucket } from '../stats/hour-bucket.ts';

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

/**
 * The policy's part of a send's admission (SendRequest), the same for a first request and a
 * channel switch: a switch meets the very caps and lifetimes a first request does.
 */
export function sendTerms(policy: OtpPolicy, nowMs: number) {
  return {
    ttlSeconds: policy.ttlSeconds,
    resendCooldownSeconds: policy.resendCooldownSeconds,
    maxFailures: policy.maxFailuresPerDay,
    maxAttempts: policy.maxAttempts,
    maxFailuresPerClient: policy.maxFailuresPerClient,
    nowMs,
    hourBucket: hourBucket(nowMs),
  };
}
