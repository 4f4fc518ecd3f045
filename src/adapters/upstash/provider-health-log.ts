import { attemptsOfUnknownFate } from '../../otp/code-provider.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { OperatorLog, ProviderAnswer, ProviderHealthLog } from '../../otp/ports.ts';
import type { BreakerPolicy } from '../../otp/routing/routing-policy.ts';
import { BREAKER_TTL_SECONDS, breakerKey, STATS_TTL_SECONDS, statsHourKey } from './keys.ts';
import { RECORD_PROVIDER_HEALTH_SCRIPT } from './scripts/provider-health.ts';
import type { StoreCalls } from './store-call.ts';

/** admit-send, track-message and record-provider-health agree on the breaker's arguments. */
export function breakerArgs(policy: BreakerPolicy, nowMs: number): (string | number)[] {
  return [
    nowMs,
    policy.windowSeconds * 1000,
    policy.minRequests,
    policy.errorShare,
    policy.pauseSeconds * 1000,
    BREAKER_TTL_SECONDS,
  ];
}

/**
 * Counts provider answers in their breakers after the response (scripts/provider-health.ts), like
 * the sent-message log: the caller never waits, and a failure costs only these counts (the
 * request's log line says so).
 */
export function createUpstashProviderHealthLog(
  calls: StoreCalls,
  keyPrefix: string,
  policy: BreakerPolicy,
  waitUntil: (promise: Promise<unknown>) => void,
  log: Pick<OperatorLog, 'detail'>,
): ProviderHealthLog {
  return {
    note(answers: readonly ProviderAnswer[], nowMs: number, failover) {
      if (answers.length === 0) return;
      waitUntil(
        calls
          .script(
            RECORD_PROVIDER_HEALTH_SCRIPT,
            [
              statsHourKey(keyPrefix, failover?.hourBucket ?? ''),
              ...answers.map((answer) => breakerKey(keyPrefix, answer.provider)),
            ],
            [
              ...breakerArgs(policy, nowMs),
              failover?.country ?? '',
              failover ? attemptsOfUnknownFate(failover.attempts) : 0,
              STATS_TTL_SECONDS,
              ...answers.map((answer) => (answer.ok ? 'ok' : 'error')),
            ],
          )
          .catch((error: unknown) => {
            const detail = error instanceof DependencyUnavailableError ? error.detail : 'unexpected error';
            log.detail(`provider health not counted: ${detail}`);
          }),
      );
    },
  };
}
