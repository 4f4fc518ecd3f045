import type {
  DeliveryRecordOutcome,
  DeliveryReport,
  DeliveryStore,
  RecordDeliveryOptions,
} from '../../otp/ports.ts';
import {
  callbackNonceKey,
  DELIVERY_TTL_SECONDS,
  deliveryKeys,
  STATS_TTL_SECONDS,
  statsHourKey,
} from './keys.ts';
import { RECORD_DELIVERY_SCRIPT } from './scripts/record-delivery.ts';
import { parseScriptReply, type StoreCalls, unexpectedReply } from './store-call.ts';

export function createUpstashDeliveryStore(calls: StoreCalls, keyPrefix: string): DeliveryStore {
  return {
    async record(report: DeliveryReport, options: RecordDeliveryOptions): Promise<DeliveryRecordOutcome> {
      const keys = deliveryKeys(keyPrefix, report.messageUuid, report.sequence);
      const scriptKeys = [keys.seen, keys.record, statsHourKey(keyPrefix, options.hourBucket)];
      if (options.singleUseNonce !== undefined) {
        scriptKeys.push(callbackNonceKey(keyPrefix, options.singleUseNonce));
      }
      const [kind, value] = parseScriptReply(
        await calls.script(RECORD_DELIVERY_SCRIPT, scriptKeys, [
          report.status,
          report.sequence,
          report.errorCode,
          options.nowMs,
          DELIVERY_TTL_SECONDS,
          report.outcome ?? '',
          STATS_TTL_SECONDS,
        ]),
      );
      switch (kind) {
        case 'recorded':
        case 'duplicate':
        case 'nonce_reused':
        case 'untracked':
          return { kind };
        case 'stale':
          return { kind, recordedSequence: value };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}
