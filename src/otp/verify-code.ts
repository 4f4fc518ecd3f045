import { parsePhone } from '../phone/parse-phone.ts';
import type { IssuedReceipt, ReceiptSigner } from '../receipt/receipt-signer.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { Clock, CodeStore, OperatorLog, VerifyThrottle } from './ports.ts';

/** Failures per number are counted over a rolling day from the first one. */
export const FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

export interface VerifyCodeSettings {
  codeLength: number;
  maxAttempts: number;
  maxFailures: number;
  /** Verifies per client IP per window, right or wrong. */
  maxVerifiesPerIp: number;
  ipWindowSeconds: number;
}

export interface VerifyCodeDeps {
  settings: VerifyCodeSettings;
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
  | { kind: 'malformed_code'; expectedLength: number }
  | { kind: 'invalid_phone' }
  | { kind: 'wrong_code'; attemptsRemaining: number }
  | { kind: 'expired' }
  | { kind: 'too_many_attempts'; retryAfterSeconds?: number }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * Checks a code: its shape, the number, the caller's IP throttle, then one atomic store step that
 * counts, compares and consumes (src/adapters/upstash/scripts/check-code.ts), and on success a
 * signed receipt.
 */
export async function verifyCode(attempt: CodeAttempt, deps: VerifyCodeDeps): Promise<VerifyCodeOutcome> {
  const { settings } = deps;
  // Exactly codeLength ASCII digits: no unicode digits, no whitespace, no second guess packed in.
  if (!new RegExp(`^[0-9]{${settings.codeLength}}$`).test(attempt.code)) {
    return { kind: 'malformed_code', expectedLength: settings.codeLength };
  }
  const phone = parsePhone(attempt.phone);
  if (!phone.ok) return { kind: 'invalid_phone' };
  deps.log.number(phone.e164, phone.country);

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
    maxAttempts: settings.maxAttempts,
    maxFailures: settings.maxFailures,
    failureWindowSeconds: FAILURE_WINDOW_SECONDS,
    ipTag,
    maxVerifiesPerIp: settings.maxVerifiesPerIp,
    ipWindowSeconds: settings.ipWindowSeconds,
    country: phone.country,
    hourBucket: hourBucket(now),
  });
  switch (checked.kind) {
    case 'approved':
      return { kind: 'approved', receipt: await deps.signer.sign(phone.e164) };
    case 'wrong':
      return { kind: 'wrong_code', attemptsRemaining: checked.attemptsRemaining };
    case 'expired':
      return { kind: 'expired' };
    case 'burned':
      return { kind: 'too_many_attempts' };
    case 'locked':
      return { kind: 'too_many_attempts', retryAfterSeconds: checked.retryAfterSeconds };
    case 'ip_limited':
      deps.throttle.block(attempt.clientIp, now + checked.retryAfterSeconds * 1000);
      return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: checked.retryAfterSeconds };
  }
}
