import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { OperatorLog, SentMessage, SentMessageLog } from '../../otp/ports.ts';
import { DELIVERY_TTL_SECONDS, deliveryRecordKey, verificationKey } from './keys.ts';
import { TRACK_MESSAGE_SCRIPT } from './scripts/track-message.ts';
import type { StoreCalls } from './store-call.ts';

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
            ],
            [
              message.country,
              message.sentAtMs,
              DELIVERY_TTL_SECONDS,
              message.messageId,
              message.eventContext ?? '',
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
