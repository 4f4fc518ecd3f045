import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { OperatorLog, SentMessage, SentMessageLog } from '../../otp/ports.ts';
import type { RoutingPolicy } from '../../otp/routing/routing-policy.ts';
import { hourBucket } from '../../stats/hour-bucket.ts';
import {
  breakerKey,
  DELIVERY_TTL_SECONDS,
  deliveryRecordKey,
  routeCellsKey,
  routeStatsHourKey,
  STATS_TTL_SECONDS,
  verificationKey,
} from './keys.ts';
import { breakerArgs } from './provider-health-log.ts';
import { TRACK_MESSAGE_SCRIPT } from './scripts/track-message.ts';
import { windowPosition } from './sliding-window.ts';
import type { StoreCalls } from './store-call.ts';

/** Conversion cells outlive their two windows by a minute, so a late verify still finds its cell. */
const ROUTE_TTL_MARGIN_SECONDS = 60;

/**
 * Tracks each accepted SMS in the store (scripts/track-message.ts), after the response: the code
 * request already made its round trips before the SMS, and its caller should not wait for
 * bookkeeping that only delivery reports, seconds later, will read. `waitUntil` keeps the Worker
 * alive for it, and the request's log line is written once it settled, so it counts this round
 * trip and names a failure.
 */
export function createUpstashSentMessageLog(
  calls: StoreCalls,
  keyPrefix: string,
  waitUntil: (promise: Promise<unknown>) => void,
  log: Pick<OperatorLog, 'detail'>,
  /** The route's conversion window (ROUTING_WINDOW) and the breakers (BREAKER_*). */
  routing: Pick<RoutingPolicy, 'windowSeconds' | 'breaker'>,
): SentMessageLog {
  return {
    remember(message: SentMessage) {
      waitUntil(
        calls
          .script(
            TRACK_MESSAGE_SCRIPT,
            [
              deliveryRecordKey(keyPrefix, message.messageId),
              verificationKey(keyPrefix, message.verificationTag),
              routeCellsKey(
                keyPrefix,
                message.channel,
                message.country,
                windowPosition(message.sentAtMs, routing.windowSeconds).index,
              ),
              routeStatsHourKey(keyPrefix, hourBucket(message.sentAtMs)),
              ...message.answers.map((answer) => breakerKey(keyPrefix, answer.provider)),
            ],
            [
              message.country,
              message.sentAtMs,
              DELIVERY_TTL_SECONDS,
              message.messageId,
              message.eventContext ?? '',
              message.provider,
              message.channel,
              2 * routing.windowSeconds + ROUTE_TTL_MARGIN_SECONDS,
              STATS_TTL_SECONDS,
              ...breakerArgs(routing.breaker, message.sentAtMs),
              ...message.answers.map((answer) => (answer.ok ? 'ok' : 'error')),
            ],
          )
          .catch((error: unknown) => {
            // The SMS went out and the caller has its answer; only this message's delivery
            // counts are lost. The operator reads why in the request's log line.
            const detail = error instanceof DependencyUnavailableError ? error.detail : 'unexpected error';
            log.detail(`sent message not tracked: ${detail}`);
          }),
      );
    },
  };
}
