/**
 * The local stack, assembled in one place for `npm run dev`, the `local:*` commands, the Worker
 * tests' global setup, the browser tests and the bench: a throwaway redis-server (or a given one)
 * behind the Upstash-compatible REST server, the Plivo and Twilio sandboxes, the Turnstile and callback-relay
 * stand-ins, and the Worker under `wrangler dev` wired to them. Each part is optional; whatever
 * started is stopped by close(), newest first, and a part that fails to start stops the others.
 */
import { createLimitReset } from './limit-reset.ts';
import { type PlivoSandbox, type PlivoSandboxOptions, startPlivoSandbox } from './plivo-sandbox/server.ts';
import {
  type LocalRedisRest,
  type LocalRedisRestOptions,
  startLocalRedisRest,
} from './redis-rest/local-stack.ts';
import { type CallbackRelay, startCallbackRelay } from './stand-ins/callback-relay.ts';
import { startTurnstileStandIn, type TurnstileStandIn } from './stand-ins/turnstile-siteverify.ts';
import {
  startTwilioSandbox,
  DEFAULT_SENDERS as TWILIO_DEFAULT_SENDERS,
  type TwilioSandbox,
  type TwilioSandboxOptions,
} from './twilio-sandbox/server.ts';
import { startWebhookInbox, type WebhookInbox, type WebhookInboxOptions } from './webhook-inbox/server.ts';
import { startWranglerDev, type WranglerDev, type WranglerDevOptions } from './worker-process.ts';

export interface LocalStackOptions {
  /** The REST server (and a throwaway redis-server unless `redisUrl` is given); false: none. */
  redisRest?: LocalRedisRestOptions | false;
  /**
   * More store regions (docs/regions.md): a REST server per region name, each in front of its own
   * redis-server (or the `redisUrl` given, e.g. another DB of one server), with its own latency.
   * `countries` become STORE_REGION_COUNTRIES; the REST server above stays the default region.
   */
  storeRegions?: Record<string, LocalRedisRestOptions & { countries?: readonly string[] }>;
  /** The Plivo sandbox; false: none. */
  plivo?: PlivoSandboxOptions | false;
  /** The Twilio sandbox; false: none. Its first sender becomes TWILIO_FROM and TWILIO_VOICE_FROM. */
  twilio?: TwilioSandboxOptions | false;
  /** The Turnstile siteverify stand-in. */
  turnstile?: boolean;
  /** Where the sandbox's delivery callbacks can be sent and read back. */
  callbackRelay?: boolean;
  /** The event webhook receiver (local/webhook-inbox/): the Worker's EVENT_WEBHOOK_URL and _SECRETS point at it. */
  webhookInbox?: WebhookInboxOptions | false;
  /** `wrangler dev`, wired to the parts above; its own `secrets` override that wiring. */
  worker?: WranglerDevOptions | false;
  /**
   * The Worker's KEY_PREFIX: with it, and both the REST server and the sandbox started here, the
   * sandbox offers "Reset local limits" for the keys under it (local/limit-reset.ts).
   */
  limitResetKeyPrefix?: string;
}

/** A part is there exactly when the options asked for it. */
type Part<Requested, Started> = Requested extends false | undefined ? undefined : Started;

export interface LocalStack<Options extends LocalStackOptions = LocalStackOptions> {
  redisRest: Part<Options['redisRest'], LocalRedisRest>;
  /** The extra regions' REST servers by name (empty without `storeRegions`). */
  storeRegions: Record<string, LocalRedisRest>;
  plivo: Part<Options['plivo'], PlivoSandbox>;
  twilio: Part<Options['twilio'], TwilioSandbox>;
  turnstile: Part<Options['turnstile'], TurnstileStandIn>;
  callbackRelay: Part<Options['callbackRelay'], CallbackRelay>;
  webhookInbox: Part<Options['webhookInbox'], WebhookInbox>;
  worker: Part<Options['worker'], WranglerDev>;
  /** The Worker settings that point at this stack's parts (what `worker` was given). */
  workerWiring: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalStack<const Options extends LocalStackOptions>(
  options: Options,
): Promise<LocalStack<Options>> {
  const closers: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const closePart of closers.reverse()) await closePart().catch(() => undefined);
    })();
    return closing;
  };
  async function started<T extends { close(): Promise<void> } | { stop(): Promise<void> }>(part: Promise<T>) {
    const value = await part;
    closers.push(() => ('close' in value ? value.close() : value.stop()));
    return value;
  }

  try {
    const wiring: Record<string, string> = {};
    const redisRest = options.redisRest ? await started(startLocalRedisRest(options.redisRest)) : undefined;
    if (redisRest && options.redisRest) {
      wiring.UPSTASH_REDIS_REST_URL = redisRest.server.url;
      wiring.UPSTASH_REDIS_REST_TOKEN = options.redisRest.token;
    }
    const storeRegions: Record<string, LocalRedisRest> = {};
    for (const [name, regionOptions] of Object.entries(options.storeRegions ?? {})) {
      storeRegions[name] = await started(startLocalRedisRest(regionOptions));
    }
    Object.assign(wiring, storeRegionWiring(options.storeRegions ?? {}, storeRegions));
    const resetLimits =
      redisRest && options.redisRest && options.limitResetKeyPrefix !== undefined
        ? createLimitReset({
            stores: [
              { restUrl: redisRest.server.url, token: options.redisRest.token },
              ...Object.entries(storeRegions).map(([name, region]) => ({
                restUrl: region.server.url,
                token: options.storeRegions?.[name]?.token ?? '',
              })),
            ],
            keyPrefix: options.limitResetKeyPrefix,
          })
        : undefined;
    const plivo = options.plivo
      ? await started(startPlivoSandbox({ resetLimits, ...options.plivo }))
      : undefined;
    if (plivo && options.plivo) {
      wiring.PLIVO_BASE_URL = plivo.url;
      wiring.PLIVO_AUTH_ID = options.plivo.authId;
      wiring.PLIVO_AUTH_TOKEN = options.plivo.authToken;
      // The demo page points visitors at the inbox, where their code really is.
      wiring.SANDBOX_INBOX_URL = `${plivo.url}/`;
    }
    const twilio = options.twilio ? await started(startTwilioSandbox(options.twilio)) : undefined;
    if (twilio && options.twilio) {
      const sender = (options.twilio.senders ?? TWILIO_DEFAULT_SENDERS).find((from) => from.startsWith('+'));
      wiring.TWILIO_BASE_URL = twilio.url;
      wiring.TWILIO_ACCOUNT_SID = options.twilio.accountSid;
      wiring.TWILIO_AUTH_TOKEN = options.twilio.authToken;
      if (sender) {
        wiring.TWILIO_FROM = sender;
        wiring.TWILIO_VOICE_FROM = sender;
      }
    }
    const turnstile = options.turnstile ? await started(startTurnstileStandIn()) : undefined;
    if (turnstile) wiring.TURNSTILE_SITEVERIFY_URL = turnstile.url;
    const callbackRelay = options.callbackRelay ? await started(startCallbackRelay()) : undefined;
    const webhookInbox = options.webhookInbox
      ? await started(startWebhookInbox(options.webhookInbox))
      : undefined;
    if (webhookInbox && options.webhookInbox) {
      wiring.EVENT_WEBHOOK_URL = webhookInbox.webhookUrl;
      wiring.EVENT_WEBHOOK_SECRETS = options.webhookInbox.secrets.join(',');
    }
    const worker = options.worker
      ? await started(
          startWranglerDev({ ...options.worker, secrets: { ...wiring, ...options.worker.secrets } }),
        )
      : undefined;
    // The conditional part types cannot be checked against runtime values by the compiler; each
    // part above is started exactly when its option is set, which is what Part<> states.
    return {
      redisRest,
      storeRegions,
      plivo,
      twilio,
      turnstile,
      callbackRelay,
      webhookInbox,
      worker,
      workerWiring: wiring,
      close,
    } as LocalStack<Options>;
  } catch (error) {
    await close();
    throw error;
  }
}

/** STORE_REGIONS, STORE_REGION_TOKENS and STORE_REGION_COUNTRIES for the regions started here. */
function storeRegionWiring(
  options: NonNullable<LocalStackOptions['storeRegions']>,
  started: Record<string, LocalRedisRest>,
): Record<string, string> {
  const names = Object.keys(started);
  if (names.length === 0) return {};
  const list = (value: (name: string) => string) => names.map((name) => `${name}=${value(name)}`).join(',');
  const countries = names
    .filter((name) => (options[name]?.countries?.length ?? 0) > 0)
    .map((name) => `${name}:${options[name]?.countries?.join(',')}`)
    .join(';');
  return {
    STORE_REGIONS: list((name) => started[name]?.server.url ?? ''),
    STORE_REGION_TOKENS: list((name) => options[name]?.token ?? ''),
    ...(countries ? { STORE_REGION_COUNTRIES: countries } : {}),
  };
}
