import { clientNetwork } from '../net/client-network.ts';
import { parsePhone } from '../phone/parse-phone.ts';
import type { IssuedReceipt, ReceiptSigner } from '../receipt/receipt-signer.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import { numberBlock, numberRange } from './number-cells.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type { CallerBlocks, Clock, CodeStore, OperatorLog } from './ports.ts';

/** Failures per number are counted over a rolling day from the first one. */
export const FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

export interface VerifyCodeDeps {
  policy: OtpPolicy;
  /** Verifies per client network per window, right or wrong. */
  verifyPerIp: { limit: number; windowSeconds: number };
  /** Bits of an IPv6 address that name one client (IPV6_CLIENT_PREFIX). */
  ipv6ClientPrefix: number;
  /** The guard's window: an approval credits the cells its send counted in. */
  guardWindowSeconds: number;
  store: CodeStore;
  hasher: KeyedHasher;
  /** Client networks known to be over their verify limit. */
  verifyBlocks: CallerBlocks;
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
  const network = clientNetwork(attempt.clientIp, deps.ipv6ClientPrefix);
  const blockedUntil = deps.verifyBlocks.blockedUntil(network, now);
  if (blockedUntil !== undefined) {
    return {
      kind: 'rate_limited',
      scope: 'ip',
      retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
    };
  }

  const [phoneTag, codeTag, networkTag, rangeTag] = await Promise.all([
    deps.hasher.phoneTag(phone.e164),
    deps.hasher.codeTag(phone.e164, attempt.code),
    deps.hasher.limitTag('ip', network),
    deps.hasher.limitTag('prefix', numberRange(phone.e164)),
  ]);
  const checked = await deps.store.check(phoneTag, codeTag, {
    maxAttempts: policy.maxAttempts,
    maxFailures: policy.maxFailuresPerDay,
    failureWindowSeconds: FAILURE_WINDOW_SECONDS,
    networkTag,
    maxVerifiesPerIp: deps.verifyPerIp.limit,
    ipWindowSeconds: deps.verifyPerIp.windowSeconds,
    country: phone.country,
    hourBucket: hourBucket(now),
    cells: { country: phone.country, rangeTag, block: numberBlock(phone.e164) },
    guardWindowSeconds: deps.guardWindowSeconds,
    nowMs: now,
  });
  if (checked.kind === 'approved') return { kind: 'approved', receipt: await deps.signer.sign(phone.e164) };
  // Remembered here so the next verifies from this network cost no round trip until the window ends.
  if (checked.kind === 'rate_limited')
    deps.verifyBlocks.block(network, now + checked.retryAfterSeconds * 1000);
  return checked;
}
