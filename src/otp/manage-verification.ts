import { clientNetwork } from '../net/client-network.ts';
import type { BindingSeal } from './binding-seal.ts';
import type { Channel } from './channel.ts';
import { emitEvent } from './events/emit-event.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { OtpPolicy } from './otp-policy.ts';
import type {
  AccessPolicy,
  Clock,
  EventSink,
  OperatorLog,
  RandomSource,
  VerificationStatus,
  VerificationStore,
} from './ports.ts';
import type { VerificationIds } from './verification-id.ts';
import { openVerificationRef } from './verification-ref.ts';

export interface ManageVerificationDeps {
  /** The caller's app: another app's verification id is 404 before any store call. */
  app: string;
  policy: OtpPolicy;
  verifyPerIp: { limit: number; windowSeconds: number };
  ipv6ClientPrefix: number;
  verifications: VerificationStore;
  verificationIds: VerificationIds;
  bindingSeal: BindingSeal;
  hasher: KeyedHasher;
  /** verification.canceled; a no-op sink without a webhook. */
  events: EventSink;
  random: RandomSource;
  clock: Clock;
  log: OperatorLog;
}

export interface VerificationLookup {
  verificationId: string;
  clientIp: string;
}

export interface VerificationView {
  verificationId: string;
  status: VerificationStatus;
  attemptsRemaining: number;
  expiresAtMs: number;
  /** The number the code went to, as E.164: the route masks it. */
  e164: string;
  testNumber: boolean;
  channel: Channel;
  /** The provider's latest delivery status; undefined when no report (or no tracking) yet. */
  deliveryStatus: string | undefined;
}

export type ReadVerificationOutcome =
  | { kind: 'found'; view: VerificationView }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

export type CancelVerificationOutcome =
  | { kind: 'canceled' }
  | { kind: 'already_approved' }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

async function access(lookup: VerificationLookup, deps: ManageVerificationDeps): Promise<AccessPolicy> {
  return {
    networkTag: await deps.hasher.limitTag('ip', clientNetwork(lookup.clientIp, deps.ipv6ClientPrefix)),
    maxVerifiesPerIp: deps.verifyPerIp.limit,
    ipWindowSeconds: deps.verifyPerIp.windowSeconds,
    nowMs: deps.clock.nowMs(),
  };
}

/**
 * A verification's state for whoever holds its id (the id is the capability). Counted against the
 * client network's verify limit like a verify, so polling cannot be turned into id probing. A
 * replaced verification, one past its retention, or an id never issued: `not_found`.
 */
export async function readVerification(
  lookup: VerificationLookup,
  deps: ManageVerificationDeps,
): Promise<ReadVerificationOutcome> {
  const ref = await openVerificationRef(lookup.verificationId, deps.verificationIds, deps.hasher, deps.app);
  if (!ref) return { kind: 'not_found' };
  deps.log.subject(ref.country);
  const policy = await access(lookup, deps);
  const read = await deps.verifications.read(ref, policy);
  if (read.kind !== 'found') return read;
  const { state } = read;
  const binding = await deps.bindingSeal.open(lookup.verificationId, state.sealedBinding);
  if (!binding) throw new Error('verification binding does not open');
  deps.log.subject(ref.country, binding.e164);
  // A code that took every attempt can never be approved: say so rather than `pending`, whatever
  // its expiry (the reason it failed is the more useful of the two).
  const usedUp = state.status === 'pending' && state.attemptsUsed >= deps.policy.maxAttempts;
  const expired = state.status === 'pending' && policy.nowMs >= state.expiresAtMs;
  return {
    kind: 'found',
    view: {
      verificationId: lookup.verificationId,
      status: usedUp ? 'max_attempts_reached' : expired ? 'expired' : state.status,
      attemptsRemaining:
        state.status === 'pending' ? Math.max(0, deps.policy.maxAttempts - state.attemptsUsed) : 0,
      expiresAtMs: state.expiresAtMs,
      e164: binding.e164,
      testNumber: binding.testNumber,
      channel: binding.channel,
      deliveryStatus: state.deliveryStatus,
    },
  };
}

/**
 * Cancels a verification ("change number", or the user gave up): its code stops working at once.
 * Canceling twice answers `canceled` again. An approved one is left as it is (`already_approved`).
 */
export async function cancelVerification(
  lookup: VerificationLookup,
  deps: ManageVerificationDeps,
): Promise<CancelVerificationOutcome> {
  const ref = await openVerificationRef(lookup.verificationId, deps.verificationIds, deps.hasher, deps.app);
  if (!ref) return { kind: 'not_found' };
  deps.log.subject(ref.country);
  const policy = await access(lookup, deps);
  const canceled = await deps.verifications.cancel(ref, policy);
  if (canceled.kind === 'canceled') {
    // A second cancel answers `canceled` again; its event has the same id, so receivers see one.
    await emitEvent(
      deps.events,
      'verification.canceled',
      { verificationId: lookup.verificationId, channel: ref.channel, country: ref.country },
      { nowMs: policy.nowMs, random: deps.random, subject: lookup.verificationId },
    );
  }
  return canceled;
}
