import type {
  DeliveryRecordOutcome,
  DeliveryReport,
  DeliveryStore,
  PendingFallback,
  RecordDeliveryOptions,
} from '../../otp/ports.ts';
import {
  callbackNonceKey,
  DELIVERY_TTL_SECONDS,
  deliveryKeys,
  routeStatsHourKey,
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
      const reply = await calls.script(RECORD_DELIVERY_SCRIPT, scriptKeys, [
        report.status,
        report.sequence,
        report.errorCode,
        options.nowMs,
        DELIVERY_TTL_SECONDS,
        report.outcome ?? '',
        STATS_TTL_SECONDS,
        report.messageUuid,
        options.nowMs,
        report.provider,
        routeStatsHourKey(keyPrefix, options.hourBucket),
      ]);
      const [kind, value] = parseScriptReply(Array.isArray(reply) ? reply.slice(0, 2) : reply);
      const fallback = pendingFallback(reply);
      switch (kind) {
        case 'recorded':
          return { kind, fallback, eventContext: eventContext(reply) };
        case 'duplicate':
          return { kind, fallback };
        case 'nonce_reused':
        case 'untracked':
          return { kind };
        case 'stale':
          return { kind, recordedSequence: value, fallback };
        default:
          throw unexpectedReply(kind);
      }
    },
  };
}

/** The ticket, sealed binding and failed provider record-delivery appends when a fallback is owed. */
function pendingFallback(reply: unknown): PendingFallback | undefined {
  if (!Array.isArray(reply) || reply.length < 4) return undefined;
  const [, , ticket, sealedBinding, , provider] = reply;
  // Two nils hold the places when only an event context follows.
  if (ticket === null && sealedBinding === null) return undefined;
  if (typeof ticket !== 'string' || typeof sealedBinding !== 'string') throw unexpectedReply('fallback');
  return { ticket, sealedBinding, failedProvider: typeof provider === 'string' ? provider : 'plivo' };
}

/** The sealed event context record-delivery appends (fifth) to `recorded` when the message has one. */
function eventContext(reply: unknown): string | undefined {
  if (!Array.isArray(reply) || reply.length < 5) return undefined;
  const context: unknown = reply[4];
  // Nil when a fallback is owed without an event context (its provider follows, sixth).
  if (context === null) return undefined;
  if (typeof context !== 'string') throw unexpectedReply('event context');
  return context;
}
