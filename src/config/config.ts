import type { ReceiptSettings } from '../receipt/receipt-signer.ts';
import { parsePreviousPublicKeys, parseSigningKey } from '../receipt/signing-key.ts';
import { checkOtpMessageFits, type OtpMessageSettings } from '../sms/otp-message.ts';
import { configSchema, RATE_PATTERN } from './config-schema.ts';

type SigningJwk = JsonWebKey & { kid: string };

/** The Worker's settings, parsed once per isolate from vars and secrets. Domain code receives slices of it. */
export interface Config {
  readonly environment: 'development' | 'test' | 'staging' | 'production';
  readonly store: {
    readonly url: string;
    readonly token: string;
    readonly timeoutMs: number;
    readonly keyPrefix: string;
  };
  readonly otp: {
    readonly secret: string;
    readonly length: number;
    readonly ttlSeconds: number;
    readonly maxAttempts: number;
    readonly maxFailuresPerDay: number;
    readonly resendCooldownSeconds: number;
  };
  readonly plivo: {
    readonly baseUrl: string;
    readonly authId: string;
    readonly authToken: string;
    readonly sender: { readonly src: string } | { readonly powerpackUuid: string };
    readonly timeoutMs: number;
    /** Where Plivo posts delivery reports; only when the public URL is known. */
    readonly statusCallbackUrl: string | undefined;
  };
  readonly message: OtpMessageSettings;
  /** Where codes may be sent: ISO 3166 alpha-2 codes, or 'any'. */
  readonly allowedCountries: ReadonlySet<string> | 'any';
  readonly rateLimits: {
    readonly sendPerPhone: Rate;
    readonly sendPerIp: Rate;
    readonly sendPerPrefix: Rate;
    readonly sendPerCountry: Rate;
    readonly sendGlobal: Rate;
    readonly verifyPerIp: Rate;
  };
  readonly receipt: ReceiptSettings & {
    readonly signingKey: SigningJwk;
    readonly previousPublicKeys: readonly SigningJwk[];
  };
  /** Browser pages besides the API. Both are public, so production serves neither unless asked. */
  readonly pages: {
    /** `/docs`: the interactive reference for /openapi.json (DOCS_PAGE). */
    readonly docs: boolean;
    /** `/`: the demo page; every visitor can make it send an SMS (DEMO_PAGE). */
    readonly demo: boolean;
  };
}

/** At most `limit` events per sliding `window` (e.g. '1h', as @upstash/ratelimit spells durations). */
export interface Rate {
  readonly limit: number;
  readonly window: `${number}${'s' | 'm' | 'h' | 'd'}`;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export const STATUS_CALLBACK_PATH = '/webhooks/plivo/status';

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

  const message: OtpMessageSettings = {
    appName: raw.APP_NAME,
    ttlSeconds: raw.OTP_TTL_SECONDS,
    webOtpDomain: raw.WEBOTP_DOMAIN,
    androidAppHash: raw.ANDROID_APP_HASH,
  };
  const messageProblem = checkOtpMessageFits(raw.OTP_LENGTH, message);
  if (messageProblem) problems.push(`APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH: ${messageProblem}`);

  if (!signingKey.ok || !previousKeys.ok || problems.length > 0) return { ok: false, problems };

  const sender = raw.PLIVO_SENDER ? { src: raw.PLIVO_SENDER } : { powerpackUuid: raw.PLIVO_POWERPACK_UUID ?? '' };
  const config: Config = {
    environment: raw.ENVIRONMENT,
    store: {
      url: raw.UPSTASH_REDIS_REST_URL,
      token: raw.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: raw.STORE_TIMEOUT_MS,
      keyPrefix: raw.KEY_PREFIX,
    },
    otp: {
      secret: raw.OTP_SECRET,
      length: raw.OTP_LENGTH,
      ttlSeconds: raw.OTP_TTL_SECONDS,
      maxAttempts: raw.OTP_MAX_ATTEMPTS,
      maxFailuresPerDay: raw.OTP_MAX_FAILURES_PER_DAY,
      resendCooldownSeconds: raw.OTP_RESEND_COOLDOWN_SECONDS,
    },
    plivo: {
      baseUrl: raw.PLIVO_BASE_URL.replace(/\/+$/, ''),
      authId: raw.PLIVO_AUTH_ID,
      authToken: raw.PLIVO_AUTH_TOKEN,
      sender,
      timeoutMs: raw.PLIVO_TIMEOUT_MS,
      statusCallbackUrl: raw.PUBLIC_BASE_URL ? `${raw.PUBLIC_BASE_URL}${STATUS_CALLBACK_PATH}` : undefined,
    },
    message,
    allowedCountries: parseCountries(raw.ALLOWED_COUNTRIES),
    rateLimits: {
      sendPerPhone: parseRate(raw.RATE_LIMIT_SEND_PER_PHONE),
      sendPerIp: parseRate(raw.RATE_LIMIT_SEND_PER_IP),
      sendPerPrefix: parseRate(raw.RATE_LIMIT_SEND_PER_PREFIX),
      sendPerCountry: parseRate(raw.RATE_LIMIT_SEND_PER_COUNTRY),
      sendGlobal: parseRate(raw.RATE_LIMIT_SEND_GLOBAL),
      verifyPerIp: parseRate(raw.RATE_LIMIT_VERIFY_PER_IP),
    },
    receipt: {
      signingKey: signingKey.key,
      previousPublicKeys: previousKeys.keys,
      issuer: raw.RECEIPT_ISSUER,
      audience: raw.RECEIPT_AUDIENCE,
      ttlSeconds: raw.RECEIPT_TTL_SECONDS,
    },
    pages: {
      docs: raw.DOCS_PAGE ?? raw.ENVIRONMENT !== 'production',
      demo: raw.DEMO_PAGE ?? (raw.ENVIRONMENT === 'development' || raw.ENVIRONMENT === 'test'),
    },
  };
  return { ok: true, config: deepFreeze(config) };
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

/** Outside production, no list means every country (production refuses to start without one). */
function parseCountries(raw: string | undefined): ReadonlySet<string> | 'any' {
  if (raw === undefined || raw.trim() === '*') return 'any';
  return new Set(raw.split(',').map((code) => code.trim().toUpperCase()));
}

function parseRate(raw: string): Rate {
  // The schema already checked the shape.
  const [, limit, amount, unit] = RATE_PATTERN.exec(raw) ?? [];
  return { limit: Number(limit), window: `${Number(amount)}${unit as 's' | 'm' | 'h' | 'd'}` };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
