import type { CheckOutcome, CheckPolicy, CodeStore } from '../../otp/ports.ts';
import {
  codeKeys,
  guardCellsKey,
  SMS_CHANNEL,
  STATS_TTL_SECONDS,
  statsField,
  statsHourKey,
  verifyIpKey,
} from './keys.ts';
import { CHECK_CODE_SCRIPT } from './scripts/check-code.ts';
import { windowPosition } from './sliding-window.ts';
import { parseScriptReply, type StoreCalls, unexpectedReply } from './store-call.ts';

export function createUpstashCodeStore(calls: StoreCalls, keyPrefix: string): CodeStore {
  return {
    async check(phoneTag: string, candidateHash: string, policy: CheckPolicy): Promise<CheckOutcome> {
      const keys = codeKeys(keyPrefix, phoneTag);
      const { cells } = policy;
      const cellsWindow = windowPosition(policy.nowMs, policy.guardWindowSeconds);
      const [kind, value] = parseScriptReply(
        await calls.script(
          CHECK_CODE_SCRIPT,
          [
            keys.code,
            keys.failures,
            verifyIpKey(keyPrefix, policy.networkTag),
            statsHourKey(keyPrefix, policy.hourBucket),
            guardCellsKey(keyPrefix, SMS_CHANNEL, cells.country, cellsWindow.index),
            guardCellsKey(keyPrefix, SMS_CHANNEL, cells.country, cellsWindow.previousIndex),
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
            cellsWindow.index,
            cellsWindow.previousIndex,
            cells.rangeTag,
            cells.block,
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
