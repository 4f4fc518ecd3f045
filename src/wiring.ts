import { createIsolateCallerBlocks } from './adapters/isolate-memory/caller-blocks.ts';
import { createPlivoCallAnswers } from './adapters/plivo/call-answers.ts';
import { createPlivoCallPlacer } from './adapters/plivo/call-placer.ts';
import { createPlivoCodeDelivery } from './adapters/plivo/code-delivery.ts';
import { createPlivoCallbackReader } from './adapters/plivo/delivery-callbacks.ts';
import { createPlivoMessageSender } from './adapters/plivo/message-sender.ts';
import { createTurnstileCheck } from './adapters/turnstile/siteverify.ts';
import { createUpstashDeliveryStore } from './adapters/upstash/delivery-store.ts';
import { createUpstashGuardCellsReader } from './adapters/upstash/guard-cells-reader.ts';
import { createUpstashHourlyStatsReader } from './adapters/upstash/hourly-stats-reader.ts';
import { createRedisClient } from './adapters/upstash/redis-client.ts';
import { createUpstashSendAdmission } from './adapters/upstash/send-admission.ts';
import { createUpstashSentMessageLog } from './adapters/upstash/sent-message-log.ts';
import { createUpstashStatsReader } from './adapters/upstash/stats-reader.ts';
import { createStoreCalls, type RoundTripCounter } from './adapters/upstash/store-call.ts';
import { createUpstashVerificationStore } from './adapters/upstash/verification-store.ts';
import { createUpstashVoiceAnswerLedger } from './adapters/upstash/voice-answer-ledger.ts';
import type { Config } from './config/config.ts';
import type { AnswerCallDeps } from './otp/answer-call.ts';
import { type BindingSeal, createBindingSeal } from './otp/binding-seal.ts';
import { createFallbackTickets, type FallbackTickets } from './otp/fallback-ticket.ts';
import { createKeyedHasher, type KeyedHasher } from './otp/keyed-hash.ts';
import type { ManageVerificationDeps } from './otp/manage-verification.ts';
import type { CallAnswerChannel, Clock, HumanCheck, OperatorLog, RandomSource } from './otp/ports.ts';
import type { ReadHourlyStatsDeps } from './otp/read-hourly-stats.ts';
import type { ReadStatsDeps } from './otp/read-stats.ts';
import type { RecordDeliveryDeps } from './otp/record-delivery.ts';
import type { RequestCodeDeps } from './otp/request-code.ts';
import { createVerificationIds, type VerificationIds } from './otp/verification-id.ts';
import type { VerifyCodeDeps } from './otp/verify-code.ts';
import { createVoiceAnswerSeal, type VoiceAnswerSeal } from './otp/voice-answer-seal.ts';
import { createReceiptSigner, type ReceiptSigner } from './receipt/receipt-signer.ts';

/** What tests may replace: time and randomness, nothing else. */
export interface Runtime {
  clock: Clock;
  random: RandomSource;
}

/**
 * What the use cases of one request work with (their deps, all built here), plus the round-trip
 * count for the log and the bot check for the request route. Routes pass it to the use case.
 */
export type Services = RequestCodeDeps &
  VerifyCodeDeps &
  ManageVerificationDeps &
  RecordDeliveryDeps &
  ReadStatsDeps &
  ReadHourlyStatsDeps &
  AnswerCallDeps & {
    /** Plivo's code-call answers; undefined when voice is not set up (the route answers 404). */
    callAnswers: CallAnswerChannel | undefined;
    /** PUBLIC_BASE_URL + VOICE_ANSWER_PATH, what answer URLs are signed over. */
    voiceAnswerBaseUrl: string | undefined;
    /** The bot check for browser callers; undefined when TURNSTILE_SECRET_KEY is not set. */
    humanCheck: HumanCheck | undefined;
    roundTrips: RoundTripCounter;
  };

function sendLimitsSignature(rateLimits: Config['rateLimits']): string {
  const { phone, ip } = rateLimits.send;
  return `${phone.limit}/${phone.window}:${ip.limit}/${ip.window}:${rateLimits.ipv6ClientPrefix}`;
}

const hashers = new WeakMap<Config, KeyedHasher>();
const signers = new WeakMap<Config, WeakMap<Runtime, ReceiptSigner>>();
const sealers = new WeakMap<
  Config,
  WeakMap<
    Runtime,
    { ids: VerificationIds; seal: BindingSeal; voice: VoiceAnswerSeal; fallbackTickets: FallbackTickets }
  >
>();

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
  /** Work that may finish after the response (the request's log line waits for it). */
  waitUntil: (promise: Promise<unknown>) => void,
): Services {
  const { clock, random } = runtime;
  const { rateLimits, store: storeSettings, plivo, guard } = config;
  const { keyPrefix } = storeSettings;
  const { limit, window, windowSeconds } = rateLimits.verifyPerIp;
  const roundTrips: RoundTripCounter = { storeRoundTrips: 0 };
  const redis = createRedisClient(storeSettings);
  const calls = createStoreCalls(redis, roundTrips);
  // Keys derived once per config (HKDF), the random source per runtime (tests fake it).
  const sealing = cached(
    cached(sealers, config, () => new WeakMap()),
    runtime,
    () => ({
      ids: createVerificationIds(config.otp.secret, random),
      seal: createBindingSeal(config.otp.secret, random),
      voice: createVoiceAnswerSeal(config.otp.secret, random),
      fallbackTickets: createFallbackTickets(config.otp.secret, random),
    }),
  );
  return {
    roundTrips,
    humanCheck: config.access.turnstile && createTurnstileCheck(config.access.turnstile),
    policy: config.otp,
    allowedCountries: config.allowedCountries,
    ipv6ClientPrefix: rateLimits.ipv6ClientPrefix,
    guardWindowSeconds: guard.windowSeconds,
    message: config.message,
    verifyPerIp: { limit, windowSeconds },
    thresholds: config.pumping,
    guardPolicy: guard,
    testNumbers: config.testNumbers,
    verifications: createUpstashVerificationStore(calls, keyPrefix),
    verificationIds: sealing.ids,
    bindingSeal: sealing.seal,
    fallbackTickets: sealing.fallbackTickets,
    admission: createUpstashSendAdmission(calls, { keyPrefix, rates: rateLimits.send, guard }),
    // Namespaced by the limits' settings: a changed limit must not inherit blocks taken under the old one.
    sendBlocks: createIsolateCallerBlocks(`send:${keyPrefix}${sendLimitsSignature(rateLimits)}`),
    verifyBlocks: createIsolateCallerBlocks(
      `verify:${keyPrefix}${limit}/${window}:${rateLimits.ipv6ClientPrefix}`,
    ),
    deliveries: createUpstashDeliveryStore(calls, keyPrefix),
    stats: createUpstashStatsReader(redis, calls, keyPrefix),
    hourlyStats: createUpstashHourlyStatsReader(redis, calls, keyPrefix),
    guardCells: createUpstashGuardCellsReader(redis, calls, keyPrefix, guard.windowSeconds),
    delivery: createPlivoCodeDelivery(
      createPlivoMessageSender(plivo, log),
      plivo.voice && createPlivoCallPlacer({ ...plivo, ...plivo.voice }, sealing.voice, log),
      plivo.whatsApp !== undefined,
    ),
    voiceToFixedLines: config.voiceToFixedLines,
    voiceAnswers: sealing.voice,
    voiceAnswerLedger: createUpstashVoiceAnswerLedger(calls, keyPrefix),
    callAnswers: plivo.voice && createPlivoCallAnswers(plivo.authToken),
    voiceAnswerBaseUrl: plivo.voice?.answerBaseUrl,
    // Only messages whose reports were asked for need tracking.
    sentMessages: plivo.statusCallbackUrl
      ? createUpstashSentMessageLog(calls, keyPrefix, waitUntil, log)
      : undefined,
    callbacks: plivo.statusCallbackUrl
      ? createPlivoCallbackReader({
          signedUrl: plivo.statusCallbackUrl,
          authToken: plivo.authToken,
          acceptV2Signatures: plivo.acceptV2Signatures,
        })
      : undefined,
    hasher: cached(hashers, config, () => createKeyedHasher(config.otp.secret)),
    signer: cached(
      cached(signers, config, () => new WeakMap<Runtime, ReceiptSigner>()),
      runtime,
      () => createReceiptSigner(config.receipt, clock, random),
    ),
    random,
    clock,
    log,
  };
}
