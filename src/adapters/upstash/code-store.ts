import type { CheckOutcome, CheckPolicy, CodeStore, IssueOutcome, IssuePolicy } from '../../otp/ports.ts';
import type { StatsBucket } from '../../stats/counters.ts';
import { codeKeys, STATS_TTL_SECONDS, statsField, statsHourKey, verifyIpKey } from './keys.ts';
import { CHECK_CODE_SCRIPT } from './scripts/check-code.ts';
import { ISSUE_CODE_SCRIPT } from './scripts/issue-code.ts';
import { REVOKE_CODE_SCRIPT } from './scripts/revoke-code.ts';
import { parseScriptReply, type StoreCalls, unexpectedReply } from './store-call.ts';

export function createUpstashCodeStore(calls: StoreCalls, keyPrefix: string): CodeStore {
  return {
    async issue(phoneTag: string, codeHash: string, policy: IssuePolicy): Promise<IssueOutcome> {
      const keys = codeKeys(keyPrefix, phoneTag);
      const [kind, pttl] = parseScriptReply(
        await calls.script(
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
      switch (kind) {
        case 'issued':
          return { kind };
        case 'cooldown':
          return { kind: 'resend_too_soon', retryAfterSeconds: pttlToSeconds(pttl) };
        case 'locked':
          return { kind, retryAfterSeconds: pttlToSeconds(pttl) };
        default:
          throw unexpectedReply(kind);
      }
    },

    async revoke(phoneTag: string, codeHash: string, stats: StatsBucket): Promise<void> {
      const keys = codeKeys(keyPrefix, phoneTag);
      await calls.script(
        REVOKE_CODE_SCRIPT,
        [keys.code, keys.cooldown, statsHourKey(keyPrefix, stats.hourBucket)],
        [codeHash, statsField(stats.country, 'sent')],
      );
    },

    async check(phoneTag: string, candidateHash: string, policy: CheckPolicy): Promise<CheckOutcome> {
      const keys = codeKeys(keyPrefix, phoneTag);
      const [kind, value] = parseScriptReply(
        await calls.script(
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
      // The script's words, in the use case's vocabulary.
      switch (kind) {
        case 'approved':
        case 'expired':
          return { kind };
        case 'wrong':
          return { kind: 'invalid_code', attemptsRemaining: Math.max(0, value) };
        case 'burned':
          return { kind: 'too_many_attempts' };
        case 'locked':
          return { kind: 'too_many_attempts', retryAfterSeconds: pttlToSeconds(value) };
        case 'ip_limited':
          return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: pttlToSeconds(value) };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}

/** Redis answers -1/-2 for keys without TTL or already gone; never tell a client to wait 0 s. */
function pttlToSeconds(pttl: number): number {
  return pttl > 0 ? Math.ceil(pttl / 1000) : 1;
}
