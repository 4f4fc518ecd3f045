import type { Redis } from '@upstash/redis/cloudflare';
import type {
  CheckOutcome,
  CheckPolicy,
  CodeStore,
  IssueOutcome,
  IssuePolicy,
} from '../../otp/code-store.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { StatsBucket } from '../../stats/counters.ts';
import { codeKeys, STATS_TTL_SECONDS, statsField, statsHourKey, verifyIpKey } from './keys.ts';
import { runScript } from './run-script.ts';
import { CHECK_CODE_SCRIPT } from './scripts/check-code.ts';
import { ISSUE_CODE_SCRIPT } from './scripts/issue-code.ts';
import { REVOKE_CODE_SCRIPT } from './scripts/revoke-code.ts';
import { describeStoreError } from './store-call.ts';

/** Counts store round trips for the request log (the tests count them at the REST server). */
export interface RoundTripCounter {
  storeRoundTrips: number;
}

export function createUpstashCodeStore(
  redis: Redis,
  keyPrefix: string,
  counter: RoundTripCounter,
): CodeStore {
  async function run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    counter.storeRoundTrips += 1;
    try {
      return await runScript(redis, script, keys, args);
    } catch (error) {
      throw new DependencyUnavailableError('store', describeStoreError(error));
    }
  }

  return {
    async issue(phoneTag: string, codeHash: string, policy: IssuePolicy): Promise<IssueOutcome> {
      const keys = codeKeys(keyPrefix, phoneTag);
      const [kind, pttl] = parseReply(
        await run(
          ISSUE_CODE_SCRIPT,
          [keys.code, keys.cooldown, keys.failures, statsHourKey(keyPrefix, policy.hourBucket)],
          [
            codeHash,
            policy.ttlSeconds,
            policy.resendCooldownSeconds,
            policy.maxFailures,
            statsField(policy.country, 'sent'),
            STATS_TTL_SECONDS,
          ],
        ),
      );
      if (kind === 'issued') return { kind };
      if (kind === 'cooldown' || kind === 'locked') return { kind, retryAfterSeconds: pttlToSeconds(pttl) };
      throw unexpectedReply(kind);
    },

    async revoke(phoneTag: string, codeHash: string, stats: StatsBucket): Promise<void> {
      const keys = codeKeys(keyPrefix, phoneTag);
      await run(
        REVOKE_CODE_SCRIPT,
        [keys.code, keys.cooldown, statsHourKey(keyPrefix, stats.hourBucket)],
        [codeHash, statsField(stats.country, 'sent')],
      );
    },

    async check(phoneTag: string, candidateHash: string, policy: CheckPolicy): Promise<CheckOutcome> {
      const keys = codeKeys(keyPrefix, phoneTag);
      const [kind, value] = parseReply(
        await run(
          CHECK_CODE_SCRIPT,
          [
            keys.code,
            keys.failures,
            verifyIpKey(keyPrefix, policy.ipTag),
            statsHourKey(keyPrefix, policy.hourBucket),
          ],
          [
            candidateHash,
            policy.maxAttempts,
            policy.maxFailures,
            policy.failureWindowSeconds,
            policy.maxVerifiesPerIp,
            policy.ipWindowSeconds,
            statsField(policy.country, 'verified'),
            STATS_TTL_SECONDS,
          ],
        ),
      );
      switch (kind) {
        case 'approved':
        case 'expired':
        case 'burned':
          return { kind };
        case 'wrong':
          return { kind, attemptsRemaining: Math.max(0, value) };
        case 'locked':
        case 'ip_limited':
          return { kind, retryAfterSeconds: pttlToSeconds(value) };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}

function parseReply(reply: unknown): [string, number] {
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply(typeof reply);
  return [String(reply[0]), Number(reply[1])];
}

// A script answering something else means a bug or a store that is not Redis: treat it as the
// store failing rather than guessing.
function unexpectedReply(what: string) {
  return new DependencyUnavailableError('store', `unexpected script reply (${what})`);
}

/** Redis answers -1/-2 for keys without TTL or already gone; never tell a client to wait 0 s. */
function pttlToSeconds(pttl: number): number {
  return pttl > 0 ? Math.ceil(pttl / 1000) : 1;
}
