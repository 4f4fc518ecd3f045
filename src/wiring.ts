import { createQueueEventQueue } from './adapters/cloudflare-queues/event-queue.ts';
import { createQueueEventSink, disabledEventSink } from './adapters/cloudflare-queues/event-sink.ts';
import { createIsolateCallerBlocks } from './adapters/isolate-memory/caller-blocks.ts';
import { createPlivoCallAnswers } from './adapters/plivo/call-answers.ts';
import { createPlivoCallPlacer } from './adapters/plivo/call-placer.ts';
import { createPlivoCodeDelivery } from './adapters/plivo/code-delivery.ts';
import { createPlivoCallbackReader } from './adapters/plivo/delivery-callbacks.ts';
import { createPlivoMessageSender } from './adapters/plivo/message-sender.ts';
import { createTurnstileCheck } from './adapters/turnstile/siteverify.ts';
import { createTwilioCallPlacer } from './adapters/twilio/call-placer.ts';
import { createTwilioCodeDelivery } from './adapters/twilio/code-delivery.ts';
import { createTwilioCallbackReader } from './adapters/twilio/delivery-callbacks.ts';
import { createTwilioMessageSender } from './adapters/twilio/message-sender.ts';
import { createUpstashDeadEvents } from './adapters/upstash/dead-events.ts';
import { createUpstashDeliveryStore } from './adapters/upstash/delivery-store.ts';
import { createUpstashFailoverLog } from './adapters/upstash/failover-log.ts';
import { createUpstashGuardCellsReader } from './adapters/upstash/guard-cells-reader.ts';
import {
  createUpstashHourlyStatsReader,
  summedHourlyStatsReader,
} from './adapters/upstash/hourly-stats-reader.ts';
import { createPipelineClient, type PipelineClient } from './adapters/upstash/pipeline-client.ts';
import { createUpstashProviderHealthLog } from './adapters/upstash/provider-health-log.ts';
import {
  createRegionOutages,
  type RegionReader,
  regionalDeliveryStore,
  regionalFailoverLog,
  regionalProviderHealthLog,
  regionalSendAdmission,
  regionalSentMessageLog,
  regionalVerificationSnapshots,
  regionalVerificationStore,
  regionalVoiceAnswerLedger,
  summedGuardCellsReader,
  summedStatsReader,
} from './adapters/upstash/regional-ports.ts';
import { createRegionalStores, namingRegion } from './adapters/upstash/regional-stores.ts';
import { createScriptClient } from './adapters/upstash/script-client.ts';
import { createUpstashSendAdmission } from './adapters/upstash/send-admission.ts';
import { createUpstashSentMessageLog } from './adapters/upstash/sent-message-log.ts';
import { createUpstashStatsReader } from './adapters/upstash/stats-reader.ts';
import { createStoreCalls, type RoundTripCounter, type StoreCalls } from './adapters/upstash/store-call.ts';
import { createUpstashVerificationSnapshots } from './adapters/upstash/verification-snapshots.ts';
import { createUpstashVerificationStore } from './adapters/upstash/verification-store.ts';
import { createUpstashVoiceAnswerLedger } from './adapters/upstash/voice-answer-ledger.ts';
import { createUpstashWebhookCounter } from './adapters/upstash/webhook-counter.ts';
import { createWebhookSender } from './adapters/webhook-http/webhook-sender.ts';
import { type Config, configOfApp } from './config/config.ts';
import { DEFAULT_APP_ID, eventWebhookFor } from './config/event-webhook.ts';
import type { AnswerCallDeps } from './otp/answer-call.ts';
import { type BindingSeal, createBindingSeal } from './otp/binding-seal.ts';
import { type CodeProvider, restrictToRoutes, staticRoutePlan } from './otp/code-provider.ts';
import type { DeadEventsDeps } from './otp/dead-events.ts';
import { createRoutedDelivery } from './otp/deliver-along-route.ts';
import type { DeliverEventsDeps } from './otp/deliver-events.ts';
import { DependencyUnavailableError } from './otp/dependency-error.ts';
import type { EventQueue, WebhookDeliveryCounter } from './otp/events/delivery-ports.ts';
import { createEventContexts, type EventContexts } from './otp/events/event-context.ts';
import type { EventMessage } from './otp/events/event-message.ts';
import { createFallbackTickets, type FallbackTickets } from './otp/fallback-ticket.ts';
import { createKeyedHasher, type KeyedHasher } from './otp/keyed-hash.ts';
import type { ManageVerificationDeps } from './otp/manage-verification.ts';
import {
  type CallAnswerChannel,
  type Clock,
  type DeliveryCallbackReader,
  type DependencyTimer,
  type HumanCheck,
  type OperatorLog,
  type RandomSource,
  type StoreRegionMap,
  untimed,
} from './otp/ports.ts';
import type { ReadHourlyStatsDeps } from './otp/read-hourly-stats.ts';
import type { ReadStatsDeps } from './otp/read-stats.ts';
import type { RecordDeliveryDeps } from './otp/record-delivery.ts';
import type { RequestCodeDeps } from './otp/request-code.ts';
import { timedDelivery, timedHumanCheck } from './otp/timed-ports.ts';
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
export type Services = Omit<
  RequestCodeDeps &
    VerifyCodeDeps &
    ManageVerificationDeps &
    RecordDeliveryDeps &
    ReadStatsDeps &
    ReadHourlyStatsDeps &
    AnswerCallDeps &
    DeadEventsDeps,
  'forApp'
> & {
  /** The events queue for an operator's replay; without the EVENTS binding it answers 503. */
  eventQueue: EventQueue;
  /** Plivo's code-call answers; undefined when voice is not set up (the route answers 404). */
  callAnswers: CallAnswerChannel | undefined;
  /** Twilio's status callbacks; undefined without Twilio or PUBLIC_BASE_URL (the route answers 404). */
  twilioCallbacks: DeliveryCallbackReader | undefined;
  /** PUBLIC_BASE_URL + VOICE_ANSWER_PATH, what answer URLs are signed over. */
  voiceAnswerBaseUrl: string | undefined;
  /** The bot check for browser callers; undefined when TURNSTILE_SECRET_KEY is not set. */
  humanCheck: HumanCheck | undefined;
  roundTrips: RoundTripCounter;
  /**
   * The services of another app of the deployment (docs/apps.md), for a request that turned out to
   * be that app's (its API key) or a provider callback about its verification; undefined: no such
   * app. Same store client, round-trip count and events queue.
   */
  forApp(app: string): Services | undefined;
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
    {
      ids: VerificationIds;
      seal: BindingSeal;
      voice: VoiceAnswerSeal;
      fallbackTickets: FallbackTickets;
      eventContexts: EventContexts;
    }
  >
>();

/** `build`'s value, built on the first call and returned by every later one. */
function once<V>(build: () => V): () => V {
  let built = false;
  let value: V;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}

function cached<K extends object, V>(map: WeakMap<K, V>, key: K, build: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = build();
    map.set(key, value);
  }
  return value;
}

/** One region's clients, as one database's were before regions: one Redis client, one door. */
interface RegionClients {
  /** The readers' pipeline client, built only when a reader needs a pipeline or a hash. */
  redis: () => PipelineClient;
  /** Scripts, through the lean client (./adapters/upstash/script-client.ts). */
  calls: StoreCalls;
}

/** Every store region's clients, opened on first use (src/adapters/upstash/regional-stores.ts). */
function openRegionalStores(
  settings: Config['store'],
  roundTrips: RoundTripCounter,
  timer: DependencyTimer = untimed,
) {
  return createRegionalStores(settings, (connection, region): RegionClients => {
    let pipelineClient: PipelineClient | undefined;
    const redis = () => {
      pipelineClient ??= createPipelineClient(connection);
      return pipelineClient;
    };
    const calls = createStoreCalls(createScriptClient(connection), roundTrips, timer);
    return { redis, calls: namingRegion(calls, region) };
  });
}

/** Keys derived once per config (HKDF), the random source per runtime (tests fake it). */
function sealingFor(config: Config, runtime: Runtime) {
  const { random } = runtime;
  return cached(
    cached(sealers, config, () => new WeakMap()),
    runtime,
    () => ({
      ids: createVerificationIds(config.otp.secret, random),
      seal: createBindingSeal(config.otp.secret, random),
      voice: createVoiceAnswerSeal(config.otp.secret, random),
      fallbackTickets: createFallbackTickets(config.otp.secret, random),
      eventContexts: createEventContexts(config.otp.secret, random),
    }),
  );
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
  /**
   * The EVENTS queue binding (none: events off) and the app the request belongs to, which names
   * its events and picks their webhook (src/config/event-webhook.ts).
   */
  events: { queue: Queue<EventMessage> | undefined; appId: string } = {
    queue: undefined,
    appId: DEFAULT_APP_ID,
  },
  /** The request's Server-Timing spans (src/http/server-timing.ts); nothing outside a request. */
  timer: DependencyTimer = untimed,
  /** Another app's services of the same request share these (forApp). */
  shared:
    | { roundTrips: RoundTripCounter; stores: ReturnType<typeof openRegionalStores> }
    | undefined = undefined,
): Services {
  const { clock, random } = runtime;
  const { rateLimits, store: storeSettings, plivo, twilio, guard } = config;
  const { keyPrefix } = storeSettings;
  const { limit, window, windowSeconds } = rateLimits.verifyPerIp;
  const roundTrips: RoundTripCounter = shared?.roundTrips ?? { storeRoundTrips: 0 };
  // Per-app stats only where there are apps: an app's own config, or the default one's with APPS.
  const countApps = config.apps.size > 0 || shared !== undefined;
  // One database per store region (docs/regions.md); with none configured, only the default one.
  // Scripts go through the lean client; the pipeline client is built only when a reader needs it.
  const stores = shared?.stores ?? openRegionalStores(storeSettings, roundTrips, timer);
  const { countryRegions } = storeSettings.regions;
  const storeRegions: StoreRegionMap = { regionOf: (country) => countryRegions.get(country) };
  const inRegion =
    <Port>(build: (store: { calls: StoreCalls }) => Port) =>
    (region: string | undefined): Port | undefined => {
      const store = stores.at(region);
      return store && build(store);
    };
  const sealing = sealingFor(config, runtime);
  const storeOutages = createRegionOutages();
  /** One reader per region, named as stats report a region that did not answer. */
  const everyRegion = <Reader>(build: (store: RegionClients) => Reader): RegionReader<Reader>[] =>
    stores.all().map(({ region, store }) => ({ region: region ?? 'default', reader: build(store) }));
  const queue = events.queue;
  // Built on first use, once per request: a verify reaches none of the senders or the callback
  // readers, a status read none of them either, and every object a request builds is CPU and
  // garbage it pays for (bench/results.md, "CPU: where a verify's time goes").
  const delivery = once(() =>
    timedDelivery(
      createRoutedDelivery(
        // The providers this deployment has settings for; routes (config.routes) order them.
        [
          createPlivoCodeDelivery(
            createPlivoMessageSender(plivo, log),
            plivo.voice && createPlivoCallPlacer({ ...plivo, ...plivo.voice }, sealing.voice, log),
            plivo.whatsApp !== undefined,
          ),
          twilioProvider(config, log),
        ]
          .filter((provider) => provider !== undefined)
          .map((provider) => restrictToRoutes(provider, config.routes)),
        staticRoutePlan(config.routes),
        log,
      ),
      timer,
    ),
  );
  const admission = once(() =>
    regionalSendAdmission(
      inRegion(({ calls }) =>
        createUpstashSendAdmission(calls, {
          keyPrefix,
          rates: rateLimits.send,
          guard,
          routing: config.routing,
          countApps,
        }),
      ),
    ),
  );
  const deliveries = once(() =>
    regionalDeliveryStore(
      inRegion(({ calls }) => createUpstashDeliveryStore(calls, keyPrefix)),
      storeRegions,
    ),
  );
  const voiceAnswerLedger = once(() =>
    regionalVoiceAnswerLedger(inRegion(({ calls }) => createUpstashVoiceAnswerLedger(calls, keyPrefix))),
  );
  const failovers = once(() =>
    regionalFailoverLog(inRegion(({ calls }) => createUpstashFailoverLog(calls, keyPrefix, waitUntil, log))),
  );
  // Only messages whose reports were asked for need tracking.
  const sentMessages = once(() =>
    plivo.statusCallbackUrl
      ? regionalSentMessageLog(
          inRegion(({ calls }) =>
            createUpstashSentMessageLog(calls, keyPrefix, waitUntil, log, config.routing),
          ),
        )
      : undefined,
  );
  const providerHealth = once(() =>
    regionalProviderHealthLog(
      inRegion(({ calls }) =>
        createUpstashProviderHealthLog(calls, keyPrefix, config.routing.breaker, waitUntil, log),
      ),
    ),
  );
  const callbacks = once(() =>
    plivo.statusCallbackUrl
      ? createPlivoCallbackReader({
          signedUrl: plivo.statusCallbackUrl,
          authToken: plivo.authToken,
          acceptV2Signatures: plivo.acceptV2Signatures,
        })
      : undefined,
  );
  const twilioCallbacks = once(() =>
    twilio?.statusCallbackUrl
      ? createTwilioCallbackReader({ signedUrl: twilio.statusCallbackUrl, authToken: twilio.authToken })
      : undefined,
  );
  const services: Services = {
    app: config.app.id,
    forApp: (app) => {
      if (app === config.app.id) return services;
      const appConfig = configOfApp(config, app);
      return (
        appConfig &&
        createServices(appConfig, runtime, log, waitUntil, { queue, appId: app }, timer, {
          roundTrips,
          stores,
        })
      );
    },
    events: queue
      ? createQueueEventSink(
          queue,
          events.appId,
          eventWebhookFor(config, events.appId) !== undefined,
          () => clock.nowMs(),
          waitUntil,
          log,
        )
      : disabledEventSink(events.appId),
    eventContexts: sealing.eventContexts,
    eventQueue: eventQueueOrNone(queue),
    // State of no country (dead events) lives in the default region; a getter: opened when read.
    get deadEvents() {
      const { redis, calls } = stores.at(undefined) as RegionClients;
      return createUpstashDeadEvents(redis, calls, keyPrefix);
    },
    roundTrips,
    humanCheck:
      config.access.turnstile && timedHumanCheck(createTurnstileCheck(config.access.turnstile), timer),
    policy: config.otp,
    allowedCountries: config.allowedCountries,
    ipv6ClientPrefix: rateLimits.ipv6ClientPrefix,
    guardWindowSeconds: guard.windowSeconds,
    message: config.message,
    verifyPerIp: { limit, windowSeconds },
    thresholds: config.pumping,
    guardPolicy: guard,
    testNumbers: config.testNumbers,
    storeRegions,
    verifications: regionalVerificationStore(
      inRegion(({ calls }) => createUpstashVerificationStore(calls, keyPrefix, countApps)),
    ),
    verificationIds: sealing.ids,
    bindingSeal: sealing.seal,
    fallbackTickets: sealing.fallbackTickets,
    get admission() {
      return admission();
    },
    // Namespaced by the limits' settings: a changed limit must not inherit blocks taken under the old one.
    sendBlocks: createIsolateCallerBlocks(`send:${keyPrefix}${sendLimitsSignature(rateLimits)}`),
    verifyBlocks: createIsolateCallerBlocks(
      `verify:${keyPrefix}${limit}/${window}:${rateLimits.ipv6ClientPrefix}`,
    ),
    get deliveries() {
      return deliveries();
    },
    // Getters: only the stats routes read every region; other requests open no client for them.
    // A region that is down is left out of the sums and named in `storeOutages` (docs/regions.md).
    get stats() {
      return summedStatsReader(
        everyRegion(({ redis, calls }) => createUpstashStatsReader(redis, calls, keyPrefix)),
        storeOutages,
      );
    },
    get hourlyStats() {
      return summedHourlyStatsReader(
        everyRegion(({ redis, calls }) => createUpstashHourlyStatsReader(redis, calls, keyPrefix)),
        storeOutages,
      );
    },
    get guardCells() {
      return summedGuardCellsReader(
        everyRegion(({ redis, calls }) =>
          createUpstashGuardCellsReader(redis, calls, keyPrefix, guard.windowSeconds),
        ),
        storeOutages,
      );
    },
    storeOutages,
    get delivery() {
      return delivery();
    },
    voiceToFixedLines: config.voiceToFixedLines,
    voiceAnswers: sealing.voice,
    get voiceAnswerLedger() {
      return voiceAnswerLedger();
    },
    callAnswers: plivo.voice && createPlivoCallAnswers(plivo.authToken),
    voiceAnswerBaseUrl: plivo.voice?.answerBaseUrl,
    get failovers() {
      return failovers();
    },
    get sentMessages() {
      return sentMessages();
    },
    routes: config.routes,
    routing: config.routing,
    get providerHealth() {
      return providerHealth();
    },
    get callbacks() {
      return callbacks();
    },
    get twilioCallbacks() {
      return twilioCallbacks();
    },
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
  return services;
}

/** Twilio when TWILIO_ACCOUNT_SID is set: SMS with a sender, calls with TWILIO_VOICE_FROM. */
function twilioProvider(config: Config, log: OperatorLog): CodeProvider | undefined {
  const { twilio } = config;
  if (!twilio) return undefined;
  const { sender, voiceFrom } = twilio;
  const sms = sender && createTwilioMessageSender({ ...twilio, sender }, log);
  const voice =
    voiceFrom !== undefined
      ? createTwilioCallPlacer({ ...twilio, from: voiceFrom, appName: config.message.appName }, log)
      : undefined;
  return createTwilioCodeDelivery(
    sms && ((dispatch) => sms.send(dispatch)),
    voice && ((dispatch) => voice.place(dispatch)),
  );
}

/** What the events queue's consumer works with (src/queue-consumer.ts): built per batch, like a request's. */
export function createEventServices(
  config: Config,
  runtime: Runtime,
  queue: Queue<EventMessage> | undefined,
): DeliverEventsDeps & DeadEventsDeps & { counter: WebhookDeliveryCounter } {
  const { keyPrefix } = config.store;
  const stores = openRegionalStores(config.store, { storeRoundTrips: 0 });
  // Webhook counts and dead events belong to no country: the default region holds them.
  const { redis, calls } = stores.at(undefined) as RegionClients;
  return {
    destinationFor: (appId) => eventWebhookFor(config, appId),
    webhooks: createWebhookSender({ timeoutMs: config.events.timeoutMs, clock: runtime.clock }),
    counter: createUpstashWebhookCounter(redis(), calls, keyPrefix),
    // A verification's snapshot is read in the region its id names.
    snapshots: regionalVerificationSnapshots((region) => {
      const store = stores.at(region);
      return store && createUpstashVerificationSnapshots(store.redis(), store.calls, keyPrefix);
    }),
    deadEvents: createUpstashDeadEvents(redis, calls, keyPrefix),
    queue: eventQueueOrNone(queue),
    verificationIds: sealingFor(config, runtime).ids,
    hasher: cached(hashers, config, () => createKeyedHasher(config.otp.secret)),
    maxAttempts: config.otp.maxAttempts,
    retryBaseSeconds: config.events.retryBaseSeconds,
    clock: runtime.clock,
  };
}

function eventQueueOrNone(queue: Queue<EventMessage> | undefined): EventQueue {
  if (queue) return createQueueEventQueue(queue);
  return {
    enqueue: () => Promise.reject(new DependencyUnavailableError('queue', 'no EVENTS queue binding')),
  };
}
