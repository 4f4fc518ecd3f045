import { createIsolateVerifyThrottle } from './adapters/isolate-memory/verify-throttle.ts';
import { createPlivoCallbackReader } from './adapters/plivo/delivery-callbacks.ts';
import { createPlivoSender } from './adapters/plivo/sms-sender.ts';
import { createTurnstileCheck } from './adapters/turnstile/siteverify.ts';
import { createUpstashCodeStore } from './adapters/upstash/code-store.ts';
import { createUpstashDeliveryStore } from './adapters/upstash/delivery-store.ts';
import { createRedisClient } from './adapters/upstash/redis-client.ts';
import { createUpstashSendAdmission } from './adapters/upstash/send-admission.ts';
import { createUpstashStatsReader } from './adapters/upstash/stats-reader.ts';
import { createStoreCalls, type RoundTripCounter } from './adapters/upstash/store-call.ts';
import type { Config } from './config/config.ts';
import { windowSeconds } from './config/rate.ts';
import { createKeyedHasher, type KeyedHasher } from './otp/keyed-hash.ts';
import type { Clock, HumanCheck, InboundCallback, OperatorLog, RandomSource } from './otp/ports.ts';
import { type ReadStatsDeps, readStats, type StatsSummary } from './otp/read-stats.ts';
import { type RecordDeliveryOutcome, recordDelivery } from './otp/record-delivery.ts';
import { type CodeRequest, type RequestCodeOutcome, requestCode } from './otp/request-code.ts';
import { type CodeAttempt, type VerifyCodeOutcome, verifyCode } from './otp/verify-code.ts';
import { createReceiptSigner, type ReceiptSigner } from './receipt/receipt-signer.ts';

/** What tests may replace: time and randomness, nothing else. */
export interface Runtime {
  clock: Clock;
  random: RandomSource;
}

/** The use cases one request can run, bound to that request's adapters. */
export interface Services {
  requestCode(request: CodeRequest): Promise<RequestCodeOutcome>;
  verifyCode(attempt: CodeAttempt): Promise<VerifyCodeOutcome>;
  /** Plivo's delivery reports (POST /webhooks/plivo/status). */
  recordDelivery(callback: InboundCallback): Promise<RecordDeliveryOutcome>;
  /** Hourly per-country counters (GET /admin/stats). */
  readStats(hours: number): Promise<StatsSummary>;
  /** The bot check for browser callers; undefined when TURNSTILE_SECRET_KEY is not set. */
  humanCheck: HumanCheck | undefined;
  roundTrips: RoundTripCounter;
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

/**
 * The one place that builds adapters. Built per request (a Redis client must not be shared
 * across requests on Workers); the HMAC key and the receipt signer are cached per config.
 */
export function createServices(
  config: Config,
  runtime: Runtime,
  log: OperatorLog,
  waitUntil: (promise: Promise<unknown>) => void,
): Services {
  const { clock, random } = runtime;
  const roundTrips: RoundTripCounter = { storeRoundTrips: 0 };
  const redis = createRedisClient(config.store);
  const calls = createStoreCalls(redis, roundTrips);
  const { keyPrefix } = config.store;
  const store = createUpstashCodeStore(calls, keyPrefix);
  const hasher = cached(hashers, config, () => createKeyedHasher(config.otp.secret));
  const { rateLimits: rates, otp } = config;
  const stats: ReadStatsDeps = {
    thresholds: config.pumping,
    stats: createUpstashStatsReader(redis, calls, keyPrefix),
    clock,
  };

  return {
    roundTrips,
    humanCheck: config.access.turnstile && createTurnstileCheck(config.access.turnstile),
    requestCode: (request) =>
      requestCode(request, {
        settings: {
          codeLength: otp.length,
          ttlSeconds: otp.ttlSeconds,
          resendCooldownSeconds: otp.resendCooldownSeconds,
          maxFailures: otp.maxFailuresPerDay,
          allowedCountries: config.allowedCountries,
          message: config.message,
        },
        store,
        admission: createUpstashSendAdmission(
          redis,
          calls,
          {
            keyPrefix,
            timeoutMs: config.store.timeoutMs,
            rates: {
              phone: rates.sendPerPhone,
              ip: rates.sendPerIp,
              prefix: rates.sendPerPrefix,
              country: rates.sendPerCountry,
              global: rates.sendGlobal,
            },
          },
          waitUntil,
          () => clock.nowMs(),
        ),
        sender: createPlivoSender(config.plivo, log),
        hasher,
        random,
        clock,
        log,
      }),
    verifyCode: (attempt) =>
      verifyCode(attempt, {
        settings: {
          codeLength: otp.length,
          maxAttempts: otp.maxAttempts,
          maxFailures: otp.maxFailuresPerDay,
          maxVerifiesPerIp: rates.verifyPerIp.limit,
          ipWindowSeconds: windowSeconds(rates.verifyPerIp),
        },
        store,
        hasher,
        throttle: createIsolateVerifyThrottle(
          `${keyPrefix}${rates.verifyPerIp.limit}/${rates.verifyPerIp.window}`,
        ),
        signer: cached(
          cached(signers, config, () => new WeakMap<Runtime, ReceiptSigner>()),
          runtime,
          () => createReceiptSigner(config.receipt, clock, random),
        ),
        clock,
        log,
      }),
    recordDelivery: (callback) =>
      recordDelivery(callback, {
        callbacks:
          config.plivo.statusCallbackUrl === undefined
            ? undefined
            : createPlivoCallbackReader(config.plivo.statusCallbackUrl, config.plivo.authToken),
        store: createUpstashDeliveryStore(calls, keyPrefix),
        clock,
        log,
      }),
    readStats: (hours) => readStats(hours, stats),
  };
}
