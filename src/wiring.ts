import { createPlivoSender } from './adapters/plivo/sms-sender.ts';
import { createUpstashCodeStore, type RoundTripCounter } from './adapters/upstash/code-store.ts';
import { createUpstashDeliveryStore } from './adapters/upstash/delivery-store.ts';
import { createRedisClient } from './adapters/upstash/redis-client.ts';
import { createSendLimiter, type SendLimiter } from './adapters/upstash/send-admission.ts';
import { createUpstashStatsReader } from './adapters/upstash/stats-reader.ts';
import type { Config } from './config/config.ts';
import type { DeliveryStore } from './delivery/delivery-store.ts';
import type { CodeStore } from './otp/code-store.ts';
import { createKeyedHasher, type KeyedHasher } from './otp/keyed-hash.ts';
import type { Clock, RandomSource, SmsSender } from './otp/ports.ts';
import { createReceiptSigner, type ReceiptSigner } from './receipt/receipt-signer.ts';
import type { StatsReader } from './stats/counters.ts';

/** The adapters one request works with. Built per request; expensive parts are cached per config. */
export interface Services {
  store: CodeStore;
  sender: SmsSender;
  hasher: KeyedHasher;
  signer: ReceiptSigner;
  sendLimiter: SendLimiter;
  /** Plivo's delivery reports (POST /webhooks/plivo/status). */
  deliveries: DeliveryStore;
  /** Hourly per-country counters (GET /admin/stats). */
  stats: StatsReader;
  roundTrips: RoundTripCounter;
}

export interface Runtime {
  clock: Clock;
  random: RandomSource;
}

const hashers = new WeakMap<Config, KeyedHasher>();
const signers = new WeakMap<Config, WeakMap<Runtime, ReceiptSigner>>();

function cached<K extends object, V>(map: WeakMap<K, V>, key: K, build: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = build();
    map.set(key, value);
  }
  return value;
}

export function createServices(
  config: Config,
  runtime: Runtime,
  logProviderFailure: (detail: string) => void,
  waitUntil: (promise: Promise<unknown>) => void,
): Services {
  const roundTrips: RoundTripCounter = { storeRoundTrips: 0 };
  const redis = createRedisClient(config.store);
  return {
    roundTrips,
    sendLimiter: createSendLimiter(
      redis,
      config,
      waitUntil,
      () => {
        roundTrips.storeRoundTrips += 1;
      },
      () => runtime.clock.nowMs(),
    ),
    store: createUpstashCodeStore(redis, config.store.keyPrefix, roundTrips),
    deliveries: createUpstashDeliveryStore(redis, config.store.keyPrefix, roundTrips),
    stats: createUpstashStatsReader(redis, config.store.keyPrefix, roundTrips),
    sender: createPlivoSender(config.plivo, (failure) =>
      logProviderFailure(
        `plivo ${failure.reason}${failure.status ? ` ${failure.status}` : ''}${failure.providerError ? `: ${failure.providerError}` : ''}`,
      ),
    ),
    hasher: cached(hashers, config, () => createKeyedHasher(config.otp.secret)),
    signer: cached(
      cached(signers, config, () => new WeakMap<Runtime, ReceiptSigner>()),
      runtime,
      () => createReceiptSigner(config.receipt, runtime.clock, runtime.random),
    ),
  };
}
