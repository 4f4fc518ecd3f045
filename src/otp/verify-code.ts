import { parsePhone } from '../phone/parse-phone.ts';
import type { IssuedReceipt, ReceiptSigner } from '../receipt/receipt-signer.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type { Clock, CodeStore, OperatorLog, VerifyThrottle } from './ports.ts';

/** Failures per number are counted over a rolling day from the first one. */
export const FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

export interface VerifyCodeDeps {
  policy: OtpPolicy;
  /** Verifies per client IP per window, right or wrong. */
  verifyPerIp: { limit: number; windowSeconds: number };
  store: CodeStore;
  hasher: KeyedHasher;
  throttle: VerifyThrottle;
  signer: ReceiptSigner;
  clock: Clock;
  log: OperatorLog;
}

export interface CodeAttempt {
  /** As the caller typed it. */
  phone: string;
  code: string;
  clientIp: string;
}

export type VerifyCodeOutcome =
  | { kind: 'approved'; receipt: IssuedReceipt }
  | { kind: 'invalid_request'; expectedLength: number }
  | { kind: 'invalid_phone' }
  | { kind: 'invalid_code'; attemptsRemaining: number }
  | { kind: 'expired' }
  | { kind: 'too_many_attempts'; retryAfterSeconds?: number }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * Checks a code: its shape, the number, the caller's IP throttle, then one atomic store step that
 * counts, compares and consumes (src/adapters/upstash/scripts/check-code.ts), and on success a
 * signed receipt.
 */
export async function verifyCode(attempt: CodeAttempt, deps: VerifyCodeDeps): Promise<VerifyCodeOutcome> {
  const { policy } = deps;
  // Exactly `length` ASCII digits: no unicode digits, no whitespace, no second guess packed in.
  if (!new RegExp(`^[0-9]{${policy.length}}$`).test(attempt.code)) {
    return { kind: 'invalid_request', expectedLength: policy.length };
  }
  const phone = parsePhone(attempt.phone);
  if (!phone.ok) return { kind: 'invalid_phone' };
  deps.log.subject(phone.country, phone.e164);

  const now = deps.clock.nowMs();
  const blockedUntil = deps.throttle.blockedUntil(attempt.clientIp, now);
  if (blockedUntil !== undefined) {
    return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: (blockedUntil - now) / 1000 };
  }

  const [phoneTag, codeTag, ipTag] = await Promise.all([
    deps.hasher.phoneTag(phone.e164),
    deps.hasher.codeTag(phone.e164, attempt.code),
    deps.hasher.limitTag('ip', attempt.clientIp),
  ]);
  const checked = await deps.store.check(phoneTag, codeTag, {
    maxAttempts: policy.maxAttempts,
    maxFailures: policy.maxFailuresPerDay,
    failureWindowSeconds: FAILURE_WINDOW_SECONDS,
    ipTag,
    maxVerifiesPerIp: deps.verifyPerIp.limit,
    ipWindowSeconds: deps.verifyPerIp.windowSeconds,
    country: phone.country,
    hourBucket: hourBucket(now),
  });
  if (checked.kind === 'approved') return { kind: 'approved', receipt: await deps.signer.sign(phone.e164) };
  // Remembered here so the next verifies from this IP cost no round trip until the window ends.
  if (checked.kind === 'rate_limited')
    deps.throttle.block(attempt.clientIp, now + checked.retryAfterSeconds * 1000);
  return checked;
}
