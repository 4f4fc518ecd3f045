import { attemptsOfUnknownFate, type FailoverLog } from '../../otp/code-provider.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { OperatorLog } from '../../otp/ports.ts';
import { STATS_TTL_SECONDS, statsHourKey } from './keys.ts';
import { COUNT_FAILOVER_SCRIPT } from './scripts/count-failover.ts';
import type { StoreCalls } from './store-call.ts';

/**
 * Counts failovers after the response (`waitUntil`), like the sent-message log: the request's one
 * round trip before the first provider stays one, and a store that cannot count costs only the
 * count, named in the request's log line.
 */
export function createUpstashFailoverLog(
  calls: StoreCalls,
  keyPrefix: string,
  waitUntil: (promise: Promise<unknown>) => void,
  log: Pick<OperatorLog, 'detail'>,
): FailoverLog {
  return {
    count(country, attempts, hourBucket) {
      waitUntil(
        calls
          .script(
            COUNT_FAILOVER_SCRIPT,
            [statsHourKey(keyPrefix, hourBucket)],
            [country, attemptsOfUnknownFate(attempts), STATS_TTL_SECONDS],
          )
          .catch((error: unknown) => {
            const detail = error instanceof DependencyUnavailableError ? error.detail : 'unexpected error';
            log.detail(`failover not counted: ${detail}`);
          }),
      );
    },
  };
}
