import {
  type ApiKeyDigest,
  conflictingAudiences,
  digestApiKeys,
  keysOfSeveralApps,
} from '../auth/api-keys.ts';
import type { AllowedCountries } from '../otp/allowed-countries.ts';
import { DEFAULT_APP_ID } from '../otp/app-id.ts';
import { CHANNELS, type Channel } from '../otp/channel.ts';
import type { ProviderRoutes } from '../otp/code-provider.ts';
import type { FraudGuardPolicy } from '../otp/fraud-guard-policy.ts';
import { selectSmsLocales } from '../otp/messages/select-sms-locales.ts';
import type { OtpMessageSettings, SmsTextSettings } from '../otp/otp-message.ts';
import type { OtpPolicy } from '../otp/otp-policy.ts';
import type { ProviderId } from '../otp/provider-id.ts';
import type { RoutingPolicy } from '../otp/routing/routing-policy.ts';
import { parseTestNumbers, type TestNumbers } from '../otp/test-numbers.ts';
import { AUDIENCE_RULE, defaultAudience, isReceiptAudience } from '../receipt/audience.ts';
import type { ReceiptSettings } from '../receipt/receipt-signer.ts';
import { parsePreviousPublicKeys, parseSigningKey } from '../receipt/signing-key.ts';
import type { PumpingThresholds } from '../stats/pumping-report.ts';
import { type AppDeclaration, type AppIdentity, type AppWebhook, parseAppDeclarations } from './apps.ts';
import { configSchema, type RawConfig } from './config-schema.ts';
import { parseCountries, parseExpectedVolumes, sumExpectedVolumes } from './country-settings.ts';
import { type EventSettings, parseEventSettings } from './event-settings.ts';
import { checkRoutes, DEFAULT_ROUTE, parseChannelRoute } from './provider-routes.ts';
import { parseDurationSeconds, parseRate, type Rate } from './rate.ts';
import { parseStoreRegions, type StoreRegionSettings } from './store-regions.ts';

type SigningJwk = JsonWebKey & { kid: string };

/** The Worker's settings, parsed once per isolate from vars and secrets. Domain code receives slices of it. */
export interface Config {
  readonly environment: 'development' | 'test' | 'staging' | 'production';
  /**
   * The app these settings are (docs/apps.md): the default app (APP_NAME and the other single-app
   * settings) for the config parseConfig returns; `apps` holds each app's own config.
   */
  readonly app: AppIdentity;
  /**
   * The other apps of the deployment by id (APPS), each the same settings with the app's name,
   * audience, countries, channels, senders, code and test numbers in. Filled in the default app's
   * config only (an app's own is empty), so the config holds no cycle: use `configOfApp`.
   */
  readonly apps: ReadonlyMap<string, Config>;
  readonly store: {
    readonly url: string;
    readonly token: string;
    readonly timeoutMs: number;
    readonly keyPrefix: string;
    /** STORE_REGIONS and the countries mapped to each; none configured: one store, as before. */
    readonly regions: StoreRegionSettings;
  };
  /** The policy, and the secret that keys the HMACs of codes, numbers and IPs. */
  readonly otp: OtpPolicy & { readonly secret: string };
  readonly plivo: {
    readonly baseUrl: string;
    readonly authId: string;
    readonly authToken: string;
    readonly sender: { readonly src: string } | { readonly powerpackUuid: string };
    readonly timeoutMs: number;
    /** Where Plivo posts delivery reports; only when the public URL is known. */
    readonly statusCallbackUrl: string | undefined;
    /** Also believe V2-only callback signatures (PLIVO_ACCEPT_V2_SIGNATURES); V3 is always required otherwise. */
    readonly acceptV2Signatures: boolean;
    /** PLIVO_WHATSAPP_SRC and PLIVO_WHATSAPP_TEMPLATE; undefined: no WhatsApp channel. */
    readonly whatsApp: { readonly src: string; readonly template: string } | undefined;
    /**
     * PLIVO_VOICE_SRC and where Plivo fetches a call's words (PUBLIC_BASE_URL + VOICE_ANSWER_PATH);
     * undefined without either: no voice channel.
     */
    readonly voice: { readonly src: string; readonly answerBaseUrl: string } | undefined;
  };
  /** TWILIO_*: undefined without TWILIO_ACCOUNT_SID (then no route may name Twilio). */
  readonly twilio: TwilioConfig | undefined;
  /** SMS_ROUTES and VOICE_ROUTES: which providers each country's codes go through, in order. */
  readonly routes: ProviderRoutes;
  /** VOICE_TO_FIXED_LINES: code calls may go to fixed lines. */
  readonly voiceToFixedLines: boolean;
  readonly message: OtpMessageSettings;
  /**
   * Settings that work but cost something the operator should know about (a language left out
   * because its SMS would need two segments). Logged with the first request an isolate serves.
   */
  readonly warnings: readonly string[];
  /** Where codes may be sent (ALLOWED_COUNTRIES). */
  readonly allowedCountries: AllowedCountries;
  /** Numbers that get no SMS and take a fixed code (TEST_NUMBERS, TEST_NUMBERS_EXPIRE_AT). */
  readonly testNumbers: TestNumbers;
  readonly rateLimits: {
    /** RATE_LIMIT_SEND_*: one sliding window per scope. */
    readonly send: Readonly<Record<'phone' | 'ip' | 'prefix' | 'country' | 'global', Rate>>;
    readonly verifyPerIp: Rate;
    /** IPV6_CLIENT_PREFIX: an IPv6 client is its network of this many bits. */
    readonly ipv6ClientPrefix: number;
  };
  /** The conversion-aware send guard (FRAUD_GUARD_*). */
  readonly guard: FraudGuardPolicy;
  /** When GET /admin/stats flags a country (PUMPING_MIN_SENT, PUMPING_VERIFY_RATE_THRESHOLD). */
  readonly pumping: PumpingThresholds;
  /** How a send's providers are ordered, and when a provider's breaker opens (ROUTING*, BREAKER_*). */
  readonly routing: RoutingPolicy;
  readonly receipt: ReceiptSettings & {
    readonly signingKey: SigningJwk;
    readonly previousPublicKeys: readonly SigningJwk[];
  };
  /** Event webhooks (docs/events.md); resolve an app's with eventWebhookFor (./event-webhook.ts). */
  readonly events: EventSettings;
  /** Who may call: API keys, browser origins, the bot check. */
  readonly access: {
    /** Digests of API_KEYS and ADMIN_API_KEYS; the keys themselves are never kept. */
    readonly apiKeys: readonly ApiKeyDigest[];
    /** /otp/* refuses callers without a valid key (REQUIRE_API_KEY). */
    readonly requireApiKey: boolean;
    /** Exact origins (scheme://host[:port]) that get CORS headers; empty: none. */
    readonly corsOrigins: readonly string[];
    /** Set when TURNSTILE_SECRET_KEY is: browser callers of POST /otp/request need a token. */
    readonly turnstile: TurnstileSettings | undefined;
  };
  /** Browser pages besides the API. Both are public, so production serves neither unless asked. */
  readonly pages: {
    /** `/docs`: the interactive reference for /openapi.json (DOCS_PAGE). */
    readonly docs: boolean;
    /** `/`: the demo page; every visitor can make it send an SMS (DEMO_PAGE). */
    readonly demo: boolean;
    /** `/admin`: the operator dashboard (ADMIN_PAGE); its data still needs an admin key. Off unless set. */
    readonly admin: boolean;
    /**
     * Where the local Plivo sandbox shows the SMS it took (SANDBOX_INBOX_URL, set by `npm run dev`):
     * the demo page points there. Never in production, where SMS reach real phones.
     */
    readonly sandboxInboxUrl: string | undefined;
  };
}

/** Twilio's account, senders and callback URL (docs/twilio.md). */
export interface TwilioConfig {
  readonly baseUrl: string;
  readonly accountSid: string;
  /** Signs status callbacks; authenticates requests when no API key is set. */
  readonly authToken: string;
  readonly apiKey: { readonly sid: string; readonly secret: string } | undefined;
  readonly timeoutMs: number;
  /** TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID; undefined: no SMS through Twilio. */
  readonly sender: { readonly from: string } | { readonly messagingServiceSid: string } | undefined;
  /** TWILIO_VOICE_FROM; undefined: no calls through Twilio. */
  readonly voiceFrom: string | undefined;
  /** PUBLIC_BASE_URL + TWILIO_STATUS_CALLBACK_PATH; undefined without PUBLIC_BASE_URL. */
  readonly statusCallbackUrl: string | undefined;
}

/** Cloudflare Turnstile (TURNSTILE_*): the bot check for browser callers of POST /otp/request. */
export interface TurnstileSettings {
  readonly secretKey: string;
  /** Public; the demo page renders the widget with it. */
  readonly siteKey: string | undefined;
  readonly siteverifyUrl: string;
  /** The widget's `action`; a token minted for another action (another form), or none, is refused. */
  readonly expectedAction: string;
  /**
   * Hostnames a token may have been solved on (TURNSTILE_ALLOWED_HOSTNAMES, or by default the hosts
   * of CORS_ORIGINS), plus the host the request reached when `includeOwnHost` (the default only).
   */
  readonly hostnames: { readonly listed: readonly string[]; readonly includeOwnHost: boolean };
  readonly timeoutMs: number;
  /** `always`: every browser request is checked; `pressure`: only one the guard would refuse. */
  readonly mode: 'always' | 'pressure';
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export const STATUS_CALLBACK_PATH = '/webhooks/plivo/status';
/** Where Twilio posts message status callbacks (signed with X-Twilio-Signature). */
export const TWILIO_STATUS_CALLBACK_PATH = '/webhooks/twilio/status';
/** A call's answer URL: this path, then `/{expiry ms}/{sealed token}` (src/otp/voice-answer-seal.ts). */
export const VOICE_ANSWER_PATH = '/webhooks/plivo/voice';

/**
 * Problems name the variable and what is wrong with it, never its value: the log line that carries
 * them must not leak a secret.
 */
export function parseConfig(env: Record<string, unknown>): ConfigResult {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`),
    };
  }
  const raw = parsed.data;
  const problems: string[] = [];

  const signingKey = parseSigningKey(raw.RECEIPT_SIGNING_KEY);
  if (!signingKey.ok) problems.push(`RECEIPT_SIGNING_KEY: ${signingKey.problem}`);
  const previousKeys = parsePreviousPublicKeys(raw.RECEIPT_PREVIOUS_PUBLIC_KEYS);
  if (!previousKeys.ok) problems.push(`RECEIPT_PREVIOUS_PUBLIC_KEYS: ${previousKeys.problem}`);
  if (raw.RECEIPT_AUDIENCE !== undefined && !isReceiptAudience(raw.RECEIPT_AUDIENCE)) {
    problems.push(`RECEIPT_AUDIENCE: must be ${AUDIENCE_RULE}`);
  }

  const text: SmsTextSettings = {
    appName: raw.APP_NAME,
    ttlSeconds: raw.OTP_TTL_SECONDS,
    webOtpDomain: raw.WEBOTP_DOMAIN,
    androidAppHash: raw.ANDROID_APP_HASH,
  };
  const smsLocales = selectSmsLocales(parseLocaleList(raw.SMS_LOCALES), raw.OTP_LENGTH, text);
  if (!smsLocales.ok) problems.push(...smsLocales.problems);
  const declaredApps = parseAppDeclarations(raw);
  if (!declaredApps.ok) problems.push(...declaredApps.problems);
  const appDeclarations = declaredApps.ok ? declaredApps.apps : [];
  const access = parseAccess(raw, appDeclarations);
  if (!access.ok) problems.push(...access.problems);
  const testNumbers = parseTestNumbers(raw.TEST_NUMBERS, raw.TEST_NUMBERS_EXPIRE_AT, raw.OTP_LENGTH);
  if (!testNumbers.ok) problems.push(...testNumbers.problems);
  else if (raw.ENVIRONMENT === 'production' && testNumbers.testNumbers.codes.size > 0) {
    // A reviewer's account must not linger in production: test numbers there always end.
    const { expiresAtMs } = testNumbers.testNumbers;
    if (expiresAtMs === undefined) {
      problems.push('TEST_NUMBERS_EXPIRE_AT: required in production when TEST_NUMBERS is set');
    } else if (expiresAtMs <= Date.now()) {
      problems.push('TEST_NUMBERS_EXPIRE_AT: must be in the future when the configuration loads');
    }
  }

  const events = parseEventSettings(raw);
  if (!events.ok) problems.push(...events.problems);
  const expectedVolumes = parseExpectedVolumes(raw.FRAUD_GUARD_EXPECTED);
  if (!expectedVolumes.ok) problems.push(`FRAUD_GUARD_EXPECTED: ${expectedVolumes.problem}`);
  const appVolumes = appDeclarations.map((app) => ({ app, ...parseExpectedVolumes(app.expected) }));
  for (const entry of appVolumes) {
    if (!entry.ok) problems.push(`APPS: app "${entry.app.id}": expected: ${entry.problem}`);
  }
  const storeRegions = parseStoreRegions(raw);
  if (!storeRegions.ok) problems.push(...storeRegions.problems);

  const routes = parseRoutes(raw);
  if (!routes.ok) problems.push(...routes.problems);

  if (
    !routes.ok ||
    !signingKey.ok ||
    !previousKeys.ok ||
    !access.ok ||
    !smsLocales.ok ||
    !testNumbers.ok ||
    !storeRegions.ok ||
    !events.ok ||
    problems.length > 0
  ) {
    return { ok: false, problems };
  }
  const warnings = [
    ...smsLocales.overBudget.map(
      ({ locale, segments, encoding, units }) =>
        `SMS_LOCALES: ${locale} left out, its SMS would need ${segments} segments (${units} ${encoding} units) with this APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH/OTP_LENGTH; its numbers get the next language (English at the latest)`,
    ),
    ...smsLocales.transactionOverBudget.map(
      ({ locale, segments, encoding, units }) =>
        `SMS_LOCALES: ${locale} left out for transaction SMS, which would need up to ${segments} segments (${units} ${encoding} units with a 35-character payee) with this APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH/OTP_LENGTH; they get the next language (English at the latest)`,
    ),
  ];

  const sender = raw.PLIVO_SENDER
    ? { src: raw.PLIVO_SENDER }
    : { powerpackUuid: raw.PLIVO_POWERPACK_UUID ?? '' };
  const apps = new Map<string, Config>();
  const config: Config = {
    environment: raw.ENVIRONMENT,
    // The default app's webhook is EVENT_WEBHOOK_URL / EVENT_WEBHOOK_SECRETS (./event-settings.ts).
    app: { id: DEFAULT_APP_ID, name: raw.APP_NAME, webhook: events.settings.defaultWebhook },
    apps,
    warnings,
    store: {
      url: raw.UPSTASH_REDIS_REST_URL,
      token: raw.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: raw.STORE_TIMEOUT_MS,
      keyPrefix: raw.KEY_PREFIX,
      regions: storeRegions.settings,
    },
    otp: {
      secret: raw.OTP_SECRET,
      length: raw.OTP_LENGTH,
      ttlSeconds: raw.OTP_TTL_SECONDS,
      maxAttempts: raw.OTP_MAX_ATTEMPTS,
      maxFailuresPerDay: raw.OTP_MAX_FAILURES_PER_DAY,
      maxFailuresPerClient: raw.OTP_MAX_FAILURES_PER_CLIENT,
      resendCooldownSeconds: raw.OTP_RESEND_COOLDOWN_SECONDS,
      fallbackDelaySeconds: raw.OTP_FALLBACK_DELAY_SECONDS,
    },
    plivo: {
      baseUrl: raw.PLIVO_BASE_URL.replace(/\/+$/, ''),
      authId: raw.PLIVO_AUTH_ID,
      authToken: raw.PLIVO_AUTH_TOKEN,
      sender,
      timeoutMs: raw.PLIVO_TIMEOUT_MS,
      statusCallbackUrl: raw.PUBLIC_BASE_URL ? `${raw.PUBLIC_BASE_URL}${STATUS_CALLBACK_PATH}` : undefined,
      acceptV2Signatures: raw.PLIVO_ACCEPT_V2_SIGNATURES,
      whatsApp:
        raw.PLIVO_WHATSAPP_SRC && raw.PLIVO_WHATSAPP_TEMPLATE
          ? { src: raw.PLIVO_WHATSAPP_SRC, template: raw.PLIVO_WHATSAPP_TEMPLATE }
          : undefined,
      voice:
        raw.PLIVO_VOICE_SRC && raw.PUBLIC_BASE_URL
          ? { src: raw.PLIVO_VOICE_SRC, answerBaseUrl: `${raw.PUBLIC_BASE_URL}${VOICE_ANSWER_PATH}` }
          : undefined,
    },
    twilio: twilioConfig(raw),
    routes: routes.routes,
    voiceToFixedLines: raw.VOICE_TO_FIXED_LINES,
    message: { ...text, locales: smsLocales.locales, transactionLocales: smsLocales.transactionLocales },
    allowedCountries: parseCountries(raw.ALLOWED_COUNTRIES),
    testNumbers: testNumbers.testNumbers,
    rateLimits: {
      send: {
        phone: parseRate(raw.RATE_LIMIT_SEND_PER_PHONE),
        ip: parseRate(raw.RATE_LIMIT_SEND_PER_IP),
        prefix: parseRate(raw.RATE_LIMIT_SEND_PER_PREFIX),
        country: parseRate(raw.RATE_LIMIT_SEND_PER_COUNTRY),
        global: parseRate(raw.RATE_LIMIT_SEND_GLOBAL),
      },
      verifyPerIp: parseRate(raw.RATE_LIMIT_VERIFY_PER_IP),
      ipv6ClientPrefix: raw.IPV6_CLIENT_PREFIX,
    },
    guard: {
      mode: raw.FRAUD_GUARD,
      windowSeconds: parseDurationSeconds(raw.FRAUD_GUARD_WINDOW),
      rangeBase: raw.FRAUD_GUARD_RANGE_BASE,
      blockBase: raw.FRAUD_GUARD_BLOCK_BASE,
      countryBase: raw.FRAUD_GUARD_COUNTRY_BASE,
      overdraftBase: raw.FRAUD_GUARD_OVERDRAFT,
      credit: raw.FRAUD_GUARD_CREDIT,
      healthyMinVerified: raw.FRAUD_GUARD_HEALTHY_MIN_VERIFIED,
      expected: sumExpectedVolumes([
        expectedVolumes.ok ? expectedVolumes.volumes : new Map(),
        ...appVolumes.map((entry) => (entry.ok ? entry.volumes : new Map<string, number>())),
      ]),
      challengedBase: raw.FRAUD_GUARD_CHALLENGED_BASE,
      trustedBase: raw.FRAUD_GUARD_TRUSTED_BASE,
    },
    pumping: { minSent: raw.PUMPING_MIN_SENT, verifyRateThreshold: raw.PUMPING_VERIFY_RATE_THRESHOLD },
    routing: {
      mode: raw.ROUTING,
      windowSeconds: parseDurationSeconds(raw.ROUTING_WINDOW),
      minEvidence: raw.ROUTING_MIN_EVIDENCE,
      exploration: raw.ROUTING_EXPLORATION,
      breaker: {
        windowSeconds: raw.BREAKER_WINDOW_SECONDS,
        minRequests: raw.BREAKER_MIN_REQUESTS,
        errorShare: raw.BREAKER_ERROR_SHARE,
        pauseSeconds: raw.BREAKER_PAUSE_SECONDS,
      },
    },
    receipt: {
      signingKey: signingKey.key,
      previousPublicKeys: previousKeys.keys,
      issuer: raw.RECEIPT_ISSUER,
      // Production never reaches the default: the schema refuses it without RECEIPT_AUDIENCE.
      audience: raw.RECEIPT_AUDIENCE ?? defaultAudience(raw.ENVIRONMENT),
      ttlSeconds: raw.RECEIPT_TTL_SECONDS,
    },
    events: events.settings,
    access: access.access,
    pages: {
      docs: raw.DOCS_PAGE ?? raw.ENVIRONMENT !== 'production',
      demo: raw.DEMO_PAGE ?? (raw.ENVIRONMENT === 'development' || raw.ENVIRONMENT === 'test'),
      sandboxInboxUrl: raw.ENVIRONMENT === 'production' ? undefined : raw.SANDBOX_INBOX_URL,
      admin: raw.ADMIN_PAGE ?? false,
    },
  };
  for (const declaration of appDeclarations) {
    const app = appConfig(config, declaration, raw);
    if (!app.ok) problems.push(...app.problems);
    else apps.set(declaration.id, app.config);
    // Its own name and code length may leave a language out: said once, with the app named.
    if (app.ok && app.leftOut.length > 0) {
      warnings.push(
        `APPS: app "${declaration.id}": SMS_LOCALES ${app.leftOut.join(', ')} left out, their SMS would need more than one segment with its name and code length; those numbers get the next language (English at the latest)`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  deepFreeze(config);
  for (const app of apps.values()) deepFreeze(app);
  return { ok: true, config };
}

/** An app's config, from the deployment's (the default app's); undefined: no such app. */
export function configOfApp(config: Config, appId: string): Config | undefined {
  return appId === config.app.id ? config : config.apps.get(appId);
}

/** Where an app's events go (docs/apps.md); undefined for an unknown app or one without a webhook. */
export function appWebhook(config: Config, appId: string): AppWebhook | undefined {
  return configOfApp(config, appId)?.app.webhook;
}

/**
 * One app of APPS as a whole Config: the deployment's settings with the app's own in. What is the
 * deployment's (the store, the secret, rate limits, the guard's cells and budgets, access, pages)
 * stays shared; problems name the app and its field.
 */
function appConfig(
  base: Config,
  app: AppDeclaration,
  raw: RawConfig,
): { ok: true; config: Config; leftOut: string[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const named = (problem: string) => `APPS: app "${app.id}": ${problem}`;
  const length = app.otpLength ?? base.otp.length;
  const ttlSeconds = app.otpTtlSeconds ?? base.otp.ttlSeconds;
  const text: SmsTextSettings = { ...base.message, appName: app.name, ttlSeconds };
  const smsLocales = selectSmsLocales(parseLocaleList(raw.SMS_LOCALES), length, text);
  if (!smsLocales.ok) problems.push(...smsLocales.problems.map(named));
  const testNumbers = parseTestNumbers(app.testNumbers, app.testNumbersExpireAt, length);
  if (!testNumbers.ok) {
    problems.push(
      // parseTestNumbers names the default app's settings; say which of the app's it means.
      ...testNumbers.problems.map((problem) =>
        problem.startsWith('TEST_NUMBERS_EXPIRE_AT: ')
          ? named(`testNumbersExpireAt: ${problem.slice('TEST_NUMBERS_EXPIRE_AT: '.length)}`)
          : `APP_TEST_NUMBERS: app "${app.id}": ${problem.replace(/^TEST_NUMBERS: /, '')}`,
      ),
    );
  } else if (raw.ENVIRONMENT === 'production' && testNumbers.testNumbers.codes.size > 0) {
    const { expiresAtMs } = testNumbers.testNumbers;
    if (expiresAtMs === undefined || expiresAtMs <= Date.now()) {
      problems.push(
        named('testNumbersExpireAt: required in production with test numbers, and in the future'),
      );
    }
  }
  if (raw.ENVIRONMENT === 'production' && app.webhook && !app.webhook.url.startsWith('https://')) {
    problems.push(named('webhookUrl: must be https:// in production'));
  }
  if (app.audience === base.receipt.audience) {
    // The default app's backend would accept this app's receipts, and the other way round.
    problems.push(named("audience: is the default app's too (RECEIPT_AUDIENCE)"));
  }
  const channels = new Set<Channel>(app.channels ?? CHANNELS);
  const plivo = base.plivo;
  const sender =
    app.sender !== undefined
      ? { src: app.sender }
      : app.powerpackUuid !== undefined
        ? { powerpackUuid: app.powerpackUuid }
        : plivo.sender;
  const whatsApp =
    app.whatsAppSrc && app.whatsAppTemplate
      ? { src: app.whatsAppSrc, template: app.whatsAppTemplate }
      : plivo.whatsApp;
  const voice = plivo.voice && { ...plivo.voice, src: app.voiceSrc ?? plivo.voice.src };
  if (!channels.has('sms')) problems.push(named('channels: must include sms (every code can go by SMS)'));
  // Listed channels must be set up; unlisted, an app takes whatever the deployment offers.
  for (const channel of app.channels ?? []) {
    if ((channel === 'whatsapp' && !whatsApp) || (channel === 'voice' && !voice)) {
      problems.push(named(`channels: ${channel} is not set up for this deployment (docs/channels.md)`));
    }
  }
  if (problems.length > 0 || !smsLocales.ok || !testNumbers.ok) return { ok: false, problems };
  return {
    ok: true,
    leftOut: [
      ...new Set([...smsLocales.overBudget, ...smsLocales.transactionOverBudget].map(({ locale }) => locale)),
    ],
    config: {
      ...base,
      app: { id: app.id, name: app.name, webhook: app.webhook },
      apps: new Map(),
      otp: { ...base.otp, length, ttlSeconds },
      message: { ...text, locales: smsLocales.locales, transactionLocales: smsLocales.transactionLocales },
      allowedCountries:
        app.allowedCountries === undefined ? base.allowedCountries : parseCountries(app.allowedCountries),
      testNumbers: testNumbers.testNumbers,
      plivo: {
        ...plivo,
        sender,
        whatsApp: channels.has('whatsapp') ? whatsApp : undefined,
        voice: channels.has('voice') ? voice : undefined,
      },
      receipt: { ...base.receipt, audience: app.audience },
    },
  };
}

const ROUTE_VARIABLES: Readonly<Record<Channel, string>> = {
  sms: 'SMS_ROUTES',
  voice: 'VOICE_ROUTES',
  whatsapp: 'WhatsApp (Plivo only)',
};

/** SMS_ROUTES and VOICE_ROUTES, each provider configured and each country's channel carried. */
function parseRoutes(
  raw: RawConfig,
): { ok: true; routes: ProviderRoutes } | { ok: false; problems: string[] } {
  const sms = parseChannelRoute('SMS_ROUTES', raw.SMS_ROUTES);
  const voice = parseChannelRoute('VOICE_ROUTES', raw.VOICE_ROUTES);
  const whatsapp = parseChannelRoute('WhatsApp', DEFAULT_ROUTE);
  if (!sms.ok || !voice.ok || !whatsapp.ok) {
    return {
      ok: false,
      problems: [sms, voice, whatsapp].flatMap((parse) => (parse.ok ? [] : parse.problems)),
    };
  }
  const routes: ProviderRoutes = { sms: sms.route, voice: voice.route, whatsapp: whatsapp.route };
  const offered = providerChannels(raw);
  const problems = checkRoutes(
    routes,
    ROUTE_VARIABLES,
    (provider, channel) => offered[provider].has(channel),
    (provider) => offered[provider].size > 0,
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, routes };
}

/** The channels each provider has settings for; none: the provider is not configured. */
function providerChannels(raw: RawConfig): Record<ProviderId, ReadonlySet<Channel>> {
  const plivo = new Set<Channel>(['sms']);
  if (raw.PLIVO_WHATSAPP_SRC && raw.PLIVO_WHATSAPP_TEMPLATE) plivo.add('whatsapp');
  if (raw.PLIVO_VOICE_SRC && raw.PUBLIC_BASE_URL) plivo.add('voice');
  const twilio = new Set<Channel>();
  if (raw.TWILIO_ACCOUNT_SID) {
    if (raw.TWILIO_FROM || raw.TWILIO_MESSAGING_SERVICE_SID) twilio.add('sms');
    if (raw.TWILIO_VOICE_FROM) twilio.add('voice');
  }
  return { plivo, twilio };
}

function twilioConfig(raw: RawConfig): TwilioConfig | undefined {
  if (!raw.TWILIO_ACCOUNT_SID || !raw.TWILIO_AUTH_TOKEN) return undefined;
  return {
    baseUrl: raw.TWILIO_BASE_URL.replace(/\/+$/, ''),
    accountSid: raw.TWILIO_ACCOUNT_SID,
    authToken: raw.TWILIO_AUTH_TOKEN,
    apiKey:
      raw.TWILIO_API_KEY_SID && raw.TWILIO_API_KEY_SECRET
        ? { sid: raw.TWILIO_API_KEY_SID, secret: raw.TWILIO_API_KEY_SECRET }
        : undefined,
    timeoutMs: raw.TWILIO_TIMEOUT_MS,
    sender: raw.TWILIO_FROM
      ? { from: raw.TWILIO_FROM }
      : raw.TWILIO_MESSAGING_SERVICE_SID
        ? { messagingServiceSid: raw.TWILIO_MESSAGING_SERVICE_SID }
        : undefined,
    voiceFrom: raw.TWILIO_VOICE_FROM,
    statusCallbackUrl: raw.PUBLIC_BASE_URL
      ? `${raw.PUBLIC_BASE_URL}${TWILIO_STATUS_CALLBACK_PATH}`
      : undefined,
  };
}

// Workers hand the same `env` object to every request of an isolate, so this parses once per
// isolate; tests that pass their own env objects get their own parse.
const parsedByEnv = new WeakMap<object, ConfigResult>();

export function loadConfig(env: object): ConfigResult {
  let result = parsedByEnv.get(env);
  if (!result) {
    result = parseConfig(env as Record<string, unknown>);
    parsedByEnv.set(env, result);
  }
  return result;
}

/** `*` or unset: every language that fits; otherwise the tags listed, checked by selectSmsLocales. */
function parseLocaleList(raw: string | undefined): 'all' | string[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '*') return 'all';
  return raw.split(',').map((tag) => tag.trim());
}

function parseAccess(
  raw: RawConfig,
  apps: readonly AppDeclaration[],
): { ok: true; access: Config['access'] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const keys = digestApiKeys(raw.API_KEYS, false);
  if (!keys.ok) problems.push(`API_KEYS: ${keys.problem}`);
  const adminKeys = digestApiKeys(raw.ADMIN_API_KEYS, true);
  if (!adminKeys.ok) problems.push(`ADMIN_API_KEYS: ${adminKeys.problem}`);
  const appKeys = apps.flatMap((app) => {
    const digests = digestApiKeys(app.apiKeys.join(','), false, app.id);
    if (!digests.ok) problems.push(`APP_API_KEYS: app "${app.id}": ${digests.problem}`);
    return digests.ok ? digests.digests : [];
  });
  const apiKeys = [...(keys.ok ? keys.digests : []), ...(adminKeys.ok ? adminKeys.digests : []), ...appKeys];
  const repeated = keysOfSeveralApps(apiKeys);
  if (repeated.length > 0) {
    problems.push(
      `API_KEYS/ADMIN_API_KEYS/APP_API_KEYS: key ${repeated.join(', ')} (counting in that order) is listed again: a key belongs to exactly one app`,
    );
  }
  const conflicts = conflictingAudiences(apiKeys);
  if (conflicts.length > 0) {
    problems.push(
      `API_KEYS/ADMIN_API_KEYS: key ${conflicts.join(', ')} (counting API_KEYS first) repeats an earlier key with another audience`,
    );
  }
  if (raw.REQUIRE_API_KEY && keys.ok && adminKeys.ok && apiKeys.length === 0) {
    problems.push(
      'REQUIRE_API_KEY: is true but API_KEYS and ADMIN_API_KEYS are empty, so nobody could call /otp/*',
    );
  }

  const corsOrigins = (raw.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const [index, origin] of corsOrigins.entries()) {
    if (!isExactOrigin(origin)) {
      problems.push(
        `CORS_ORIGINS: entry ${index + 1} is not an exact origin like https://app.example.com (lowercase, no path, no trailing slash, no *)`,
      );
    }
  }

  const turnstileHostnames = parseHostnames(raw.TURNSTILE_ALLOWED_HOSTNAMES);
  if (!turnstileHostnames.ok) problems.push(`TURNSTILE_ALLOWED_HOSTNAMES: ${turnstileHostnames.problem}`);
  if (raw.TURNSTILE_SITE_KEY && !raw.TURNSTILE_SECRET_KEY) {
    problems.push(
      'TURNSTILE_SITE_KEY: is set without TURNSTILE_SECRET_KEY, so tokens would never be checked',
    );
  }
  if (raw.TURNSTILE_MODE === 'pressure' && !(raw.TURNSTILE_SECRET_KEY && raw.TURNSTILE_SITE_KEY)) {
    problems.push(
      'TURNSTILE_MODE: pressure needs TURNSTILE_SECRET_KEY and TURNSTILE_SITE_KEY, or no challenge could be offered',
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    access: {
      apiKeys,
      requireApiKey: raw.REQUIRE_API_KEY,
      corsOrigins,
      turnstile: raw.TURNSTILE_SECRET_KEY
        ? {
            secretKey: raw.TURNSTILE_SECRET_KEY,
            siteKey: raw.TURNSTILE_SITE_KEY,
            siteverifyUrl: raw.TURNSTILE_SITEVERIFY_URL,
            expectedAction: raw.TURNSTILE_EXPECTED_ACTION,
            timeoutMs: raw.TURNSTILE_TIMEOUT_MS,
            mode: raw.TURNSTILE_MODE,
            hostnames:
              turnstileHostnames.ok && turnstileHostnames.hostnames !== undefined
                ? { listed: turnstileHostnames.hostnames, includeOwnHost: false }
                : { listed: corsOrigins.map((origin) => new URL(origin).hostname), includeOwnHost: true },
          }
        : undefined,
    },
  };
}

/** Turnstile reports a bare hostname (`app.example.com`): lower case, no scheme, no port. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

function parseHostnames(
  raw: string | undefined,
): { ok: true; hostnames: string[] | undefined } | { ok: false; problem: string } {
  if (raw === undefined) return { ok: true, hostnames: undefined };
  const hostnames = raw
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (hostnames.length === 0)
    return { ok: false, problem: 'lists no hostname, so every token would be refused' };
  const bad = hostnames.findIndex((hostname) => !HOSTNAME.test(hostname));
  if (bad >= 0)
    return {
      ok: false,
      problem: `entry ${bad + 1} is not a bare hostname like app.example.com (no scheme, port, path or *)`,
    };
  return { ok: true, hostnames };
}

/** What a browser sends in Origin: scheme, host and a non-default port, nothing else. */
function isExactOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
