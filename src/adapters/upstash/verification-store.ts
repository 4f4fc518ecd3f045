import { CHANNELS } from '../../otp/channel.ts';
import { LEARNED_VOLUME_DAYS } from '../../otp/fraud-guard-policy.ts';
import type {
  AccessPolicy,
  CancelOutcome,
  CheckOutcome,
  CheckPolicy,
  ReadOutcome,
  VerificationRef,
  VerificationStatus,
  VerificationStore,
} from '../../otp/ports.ts';
import {
  clientFailuresKey,
  guardCellsKey,
  guardNumberKey,
  guardPeakKey,
  guardTrustedKey,
  numberKeys,
  routeStatsHourKey,
  STATS_TTL_SECONDS,
  statsAppField,
  statsHourKey,
  utcDayIndex,
  verificationKey,
  verifyIpKey,
} from './keys.ts';
import { CANCEL_VERIFICATION_SCRIPT } from './scripts/cancel-verification.ts';
import { CHECK_CODE_SCRIPT } from './scripts/check-code.ts';
import { READ_VERIFICATION_SCRIPT } from './scripts/read-verification.ts';
import { windowPosition } from './sliding-window.ts';
import { type StoreCalls, unexpectedReply } from './store-call.ts';

/** Verifications in Redis: one script, one round trip, per check, read and cancel. */
export function createUpstashVerificationStore(
  calls: StoreCalls,
  keyPrefix: string,
  /** The deployment has APPS: approvals are also counted per app (keys.ts statsAppField). */
  countApps = false,
): VerificationStore {
  function accessKeys(ref: VerificationRef, access: AccessPolicy) {
    return [
      verificationKey(keyPrefix, ref.verificationTag),
      numberKeys(keyPrefix, ref.phoneTag, ref.app).active,
      verifyIpKey(keyPrefix, access.networkTag),
    ];
  }
  function accessArgs(ref: VerificationRef, access: AccessPolicy) {
    return [ref.verificationTag, access.maxVerifiesPerIp, access.ipWindowSeconds];
  }
  return {
    async check(ref, candidate, policy: CheckPolicy): Promise<CheckOutcome> {
      const number = numberKeys(keyPrefix, ref.phoneTag, ref.app);
      const cellsWindow = windowPosition(policy.nowMs, policy.guardWindowSeconds);
      // The id's channel first: a record without `k` (never switched) is credited there.
      const channels = [ref.channel, ...CHANNELS.filter((channel) => channel !== ref.channel)];
      const [kind, value] = scriptReply(
        await calls.script(
          CHECK_CODE_SCRIPT,
          [
            verificationKey(keyPrefix, ref.verificationTag),
            number.active,
            number.failures,
            clientFailuresKey(keyPrefix, ref.phoneTag, policy.networkTag),
            verifyIpKey(keyPrefix, policy.networkTag),
            statsHourKey(keyPrefix, policy.hourBucket),
            ...channels.flatMap((channel) => [
              guardCellsKey(keyPrefix, channel, ref.country, cellsWindow.index),
              guardCellsKey(keyPrefix, channel, ref.country, cellsWindow.previousIndex),
              guardNumberKey(keyPrefix, channel, ref.phoneTag),
            ]),
            guardPeakKey(keyPrefix, ref.country),
            guardTrustedKey(keyPrefix, cellsWindow.index),
            guardTrustedKey(keyPrefix, cellsWindow.previousIndex),
            number.cooldown,
            routeStatsHourKey(keyPrefix, policy.hourBucket),
          ],
          [
            candidate.codeHash,
            ref.verificationTag,
            policy.nowMs,
            policy.maxAttempts,
            policy.maxFailures,
            policy.maxFailuresPerClient,
            policy.failureWindowSeconds,
            policy.maxVerifiesPerIp,
            policy.ipWindowSeconds,
            ref.country,
            STATS_TTL_SECONDS,
            cellsWindow.index,
            cellsWindow.previousIndex,
            candidate.transactionTag ?? '',
            ...channels,
            utcDayIndex(policy.nowMs),
            (LEARNED_VOLUME_DAYS + 2) * 86_400,
            statsAppField(countApps, ref.app, ''),
          ],
        ),
      );
      // The script's words, in the use case's vocabulary.
      switch (kind) {
        case 'approved':
          return { kind, sealedBinding: value };
        case 'not_found':
        case 'transaction_mismatch':
          return { kind };
        case 'wrong':
          return { kind: 'invalid_code', attemptsRemaining: Math.max(0, Number(value)) };
        case 'burned': {
          // When the number may get a new code: the cooldown's PTTL, read in the same script.
          const cooldownMs = Number(value);
          return {
            kind: 'max_attempts_reached',
            retryAfterSeconds: cooldownMs > 0 ? Math.ceil(cooldownMs / 1000) : undefined,
          };
        }
        case 'locked':
          return { kind: 'too_many_attempts', scope: 'number', retryAfterSeconds: pttlToSeconds(value) };
        case 'client_locked':
          return { kind: 'too_many_attempts', scope: 'client', retryAfterSeconds: pttlToSeconds(value) };
        case 'ip_limited':
          return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: pttlToSeconds(value) };
        default:
          throw unexpectedReply(kind);
      }
    },

    async read(ref, access): Promise<ReadOutcome> {
      const reply = await calls.script(READ_VERIFICATION_SCRIPT, accessKeys(ref, access), [
        ...accessArgs(ref, access),
        keyPrefix,
      ]);
      if (!Array.isArray(reply) || reply.length < 2) throw unexpectedReply(typeof reply);
      const [kind, status, attempts, expiresAt, delivery, sealed, requester] = reply.map(String);
      switch (kind) {
        case 'found': {
          if (!isStoredStatus(status) || sealed === undefined) throw unexpectedReply(`status ${status}`);
          return {
            kind,
            state: {
              status,
              attemptsUsed: Number(attempts),
              expiresAtMs: Number(expiresAt),
              deliveryStatus: delivery === '' ? undefined : delivery,
              sealedBinding: sealed,
              requesterNetworkTag: requester === '' ? undefined : requester,
            },
          };
        }
        case 'not_found':
          return { kind };
        case 'ip_limited':
          return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: pttlToSeconds(status ?? '') };
        default:
          throw unexpectedReply(kind ?? 'empty');
      }
    },

    async cancel(ref, access): Promise<CancelOutcome> {
      const [kind, value] = scriptReply(
        await calls.script(CANCEL_VERIFICATION_SCRIPT, accessKeys(ref, access), accessArgs(ref, access)),
      );
      switch (kind) {
        case 'canceled':
        case 'not_found':
          return { kind };
        case 'approved':
          return { kind: 'already_approved' };
        case 'ip_limited':
          return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: pttlToSeconds(value) };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}

/** `{kind, value}`, the value kept as text: an approval carries the sealed binding. */
function scriptReply(reply: unknown): [kind: string, value: string] {
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply(typeof reply);
  return [String(reply[0]), String(reply[1])];
}

/** What the record's `s` may hold; `expired` and `max_attempts_reached` are read from `e` and `a`. */
function isStoredStatus(
  status: string | undefined,
): status is Exclude<VerificationStatus, 'expired' | 'max_attempts_reached'> {
  return status === 'pending' || status === 'approved' || status === 'canceled';
}

/** Redis answers -1/-2 for keys without TTL or already gone; never tell a client to wait 0 s. */
function pttlToSeconds(pttl: string): number {
  const ms = Number(pttl);
  return ms > 0 ? Math.ceil(ms / 1000) : 1;
}
