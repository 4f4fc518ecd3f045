import type { Redis } from '@upstash/redis/cloudflare';
import type {
  DeliveryRecordOutcome,
  DeliveryStore,
  RecordDeliveryOptions,
} from '../../delivery/delivery-store.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { DeliveryReport } from '../plivo/delivery-report.ts';
import type { RoundTripCounter } from './code-store.ts';
import {
  callbackNonceKey,
  DELIVERY_TTL_SECONDS,
  deliveryKeys,
  STATS_TTL_SECONDS,
  statsField,
  statsHourKey,
} from './keys.ts';
import { runScript } from './run-script.ts';
import { RECORD_DELIVERY_SCRIPT } from './scripts/record-delivery.ts';
import { describeStoreError } from './store-call.ts';

export function createUpstashDeliveryStore(
  redis: Redis,
  keyPrefix: string,
  counter: RoundTripCounter,
): DeliveryStore {
  return {
    async record(report: DeliveryReport, options: RecordDeliveryOptions): Promise<DeliveryRecordOutcome> {
      const keys = deliveryKeys(keyPrefix, report.messageUuid, report.sequence);
      const scriptKeys = [keys.seen, keys.state, statsHourKey(keyPrefix, options.hourBucket)];
      if (options.v2Nonce !== undefined) scriptKeys.push(callbackNonceKey(keyPrefix, options.v2Nonce));
      counter.storeRoundTrips += 1;
      let reply: unknown;
      try {
        reply = await runScript(redis, RECORD_DELIVERY_SCRIPT, scriptKeys, [
          report.status,
          report.sequence,
          report.errorCode,
          options.nowMs,
          DELIVERY_TTL_SECONDS,
          report.outcome ? statsField(report.country, report.outcome) : '',
          STATS_TTL_SECONDS,
        ]);
      } catch (error) {
        throw new DependencyUnavailableError('store', describeStoreError(error));
      }
      if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply(typeof reply);
      const kind = String(reply[0]);
      switch (kind) {
        case 'recorded':
        case 'duplicate':
        case 'nonce_reused':
          return { kind };
        case 'stale':
          return { kind, recordedSequence: Number(reply[1]) };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}

function unexpectedReply(what: string) {
  return new DependencyUnavailableError('store', `unexpected script reply (${what})`);
}
