import { clientNetwork } from '../net/client-network.ts';
import { maskPhone } from '../phone/mask-phone.ts';
import type { IssuedReceipt, ReceiptSigner } from '../receipt/receipt-signer.ts';
import { hourBucket } from '../stats/hour-bucket.ts';
import type { BindingSeal } from './binding-seal.ts';
import { emitEvent } from './events/emit-event.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type {
  CallerBlocks,
  Clock,
  EventSink,
  OperatorLog,
  RandomSource,
  VerificationStore,
} from './ports.ts';
import { checkTransaction, type Transaction } from './transaction.ts';
import type { VerificationIds } from './verification-id.ts';
import { openVerificationRef } from './verification-ref.ts';

/** Failures per number (and per client network on it) are counted over a rolling day from the first one. */
export const FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

export interface VerifyCodeDeps {
  /** The caller's app: another app's verification id is 404 before any store call. */
  app: string;
  policy: OtpPolicy;
  /** Verifies per client network per window, right or wrong (status reads and cancels count too). */
  verifyPerIp: { limit: number; windowSeconds: number };
  /** Bits of an IPv6 address that name one client (IPV6_CLIENT_PREFIX). */
  ipv6ClientPrefix: number;
  /** The guard's window: an approval credits the cells its send counted in. */
  guardWindowSeconds: number;
  verifications: VerificationStore;
  verificationIds: VerificationIds;
  bindingSeal: BindingSeal;
  hasher: KeyedHasher;
  /** Client networks known to be over their verify limit. */
  verifyBlocks: CallerBlocks;
  signer: ReceiptSigner;
  /** verification.approved, verification.max_attempts; a no-op sink without a webhook. */
  events: EventSink;
  random: RandomSource;
  clock: Clock;
  log: OperatorLog;
}

export interface CodeAttempt {
  verificationId: string;
  code: string;
  clientIp: string;
  /** The receipt's `aud`: the caller's API key's audience, else the deployment's. */
  audience: string;
  /**
   * The payment the caller is confirming. Optional (the receipt carries the stored one), but when
   * sent it must be the request's exactly, or the verify is refused and the code burned.
   */
  transaction?: Transaction | undefined;
}

export type VerifyCodeOutcome =
  | { kind: 'approved'; receipt: IssuedReceipt }
  | { kind: 'invalid_request'; field: string; problem: string }
  | { kind: 'invalid_code'; attemptsRemaining: number }
  | { kind: 'not_found' }
  | { kind: 'transaction_mismatch' }
  /** The code is used up: request a new one (after `retryAfterSeconds`, the cooldown, if set). */
  | { kind: 'max_attempts_reached'; retryAfterSeconds: number | undefined }
  | { kind: 'too_many_attempts'; retryAfterSeconds: number }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

/**
 * Checks a code against one verification: the code's shape, the id (one this service issued),
 * the client network's throttle, then one atomic store step that counts, compares and consumes
 * (src/adapters/upstash/scripts/check-code.ts), and on success a signed receipt for what the
 * verification was requested for.
 */
export async function verifyCode(attempt: CodeAttempt, deps: VerifyCodeDeps): Promise<VerifyCodeOutcome> {
  const { policy } = deps;
  // Exactly `length` ASCII digits: no unicode digits, no whitespace, no second guess packed in.
  if (!new RegExp(`^[0-9]{${policy.length}}$`).test(attempt.code)) {
    return { kind: 'invalid_request', field: 'code', problem: `must be exactly ${policy.length} digits` };
  }
  const presented = attempt.transaction && checkTransaction(attempt.transaction);
  if (presented && !presented.ok) {
    return { kind: 'invalid_request', field: `transaction.${presented.field}`, problem: presented.problem };
  }
  const ref = await openVerificationRef(attempt.verificationId, deps.verificationIds, deps.hasher, deps.app);
  if (!ref) return { kind: 'not_found' };
  deps.log.subject(ref.country);

  const now = deps.clock.nowMs();
  const network = clientNetwork(attempt.clientIp, deps.ipv6ClientPrefix);
  // The verify limit is counted in each store region apart (docs/regions.md): so is its block.
  const blockKey = ref.region === undefined ? network : `${ref.region}:${network}`;
  const blockedUntil = deps.verifyBlocks.blockedUntil(blockKey, now);
  if (blockedUntil !== undefined) {
    return {
      kind: 'rate_limited',
      scope: 'ip',
      retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
    };
  }

  const [codeHash, networkTag, transactionTag] = await Promise.all([
    deps.hasher.codeTag(ref.verificationTag, attempt.code),
    deps.hasher.limitTag('ip', network),
    presented && deps.hasher.transactionTag(ref.verificationTag, presented.transaction),
  ]);
  const checked = await deps.verifications.check(
    ref,
    { codeHash, transactionTag },
    {
      maxAttempts: policy.maxAttempts,
      maxFailures: policy.maxFailuresPerDay,
      maxFailuresPerClient: policy.maxFailuresPerClient,
      failureWindowSeconds: FAILURE_WINDOW_SECONDS,
      networkTag,
      maxVerifiesPerIp: deps.verifyPerIp.limit,
      ipWindowSeconds: deps.verifyPerIp.windowSeconds,
      hourBucket: hourBucket(now),
      guardWindowSeconds: deps.guardWindowSeconds,
      nowMs: now,
    },
  );
  switch (checked.kind) {
    case 'approved': {
      // Opened only now, in the Worker: the store holds the binding sealed to this id.
      const binding = await deps.bindingSeal.open(attempt.verificationId, checked.sealedBinding);
      if (!binding) throw new Error('verification binding does not open');
      deps.log.subject(ref.country, binding.e164);
      if (binding.testNumber) deps.log.detail('test number');
      const receipt = await deps.signer.sign({
        e164: binding.e164,
        verificationId: attempt.verificationId,
        audience: attempt.audience,
        nonce: binding.nonce,
        transaction: binding.transaction,
        amr: [binding.channel],
        authTimeSeconds: Math.floor(now / 1000),
        testNumber: binding.testNumber,
      });
      await emitEvent(
        deps.events,
        'verification.approved',
        {
          verificationId: attempt.verificationId,
          channel: binding.channel,
          to: maskPhone(binding.e164),
          country: ref.country,
        },
        { nowMs: now, random: deps.random, subject: attempt.verificationId },
      );
      return { kind: 'approved', receipt };
    }
    case 'rate_limited':
      // Remembered so the next verifies from this network cost no round trip until the window ends.
      deps.verifyBlocks.block(blockKey, now + checked.retryAfterSeconds * 1000);
      return checked;
    case 'transaction_mismatch':
      // A bug in the caller, or someone confirming another payment with this code: worth a look.
      deps.log.detail('transaction mismatch: code burned');
      return checked;
    case 'too_many_attempts':
      deps.log.detail(`too many attempts: ${checked.scope}`);
      return { kind: 'too_many_attempts', retryAfterSeconds: checked.retryAfterSeconds };
    case 'max_attempts_reached':
      deps.log.detail('code used up');
      return checked;
    case 'invalid_code':
      // The guess that used the last attempt burned the code: the one moment it becomes final.
      // The number is sealed in the record, which only an approval opens: no `to` here.
      if (checked.attemptsRemaining === 0) {
        await emitEvent(
          deps.events,
          'verification.max_attempts',
          { verificationId: attempt.verificationId, channel: ref.channel, country: ref.country },
          { nowMs: now, random: deps.random, subject: attempt.verificationId },
        );
      }
      return checked;
    default:
      return checked;
  }
}
