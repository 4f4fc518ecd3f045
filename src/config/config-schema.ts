import * as z from 'zod/mini';
import { MAX_IPV6_CLIENT_PREFIX, MIN_IPV6_CLIENT_PREFIX } from '../net/client-network.ts';
import { FRAUD_GUARD_MODES } from '../otp/fraud-guard-policy.ts';
import { ROUTING_MODES } from '../otp/routing/routing-policy.ts';
import { GUARD_WINDOW_PATTERN, RATE_PATTERN } from './rate.ts';
import './zod-messages.ts';

/**
 * Every setting the Worker reads from its vars and secrets, with its default. Values arrive as
 * strings (Worker vars) so numbers are coerced. docs/configuration.md and .dev.vars.example
 * document the same table; keep the three in step (test/local/docs-match-config.test.ts checks).
 *
 * `zod/mini`, not classic zod: the classic `z` namespace cannot be tree-shaken and alone costs
 * ~92 KB gzip, most of the Worker's 135 KiB budget (figures in docs/benchmarks.md, "Bundle size").
 */
const integer = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

/** Empty strings mean "not set" (a blank line in .dev.vars, an empty dashboard field). */
const optionalText = z.optional(
  z.pipe(
    z.string().check(z.trim()),
    z.transform((value) => (value === '' ? undefined : value)),
  ),
);

const httpUrl = z.url({ protocol: /^https?$/ });

/** A Twilio SID (`AC…`, `SK…`, `MG…`: two letters and 32 hex digits); empty means not set. */
const optionalSid = (prefix: string) =>
  z.pipe(
    optionalText,
    z.optional(
      z
        .string()
        .check(
          z.regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${prefix} followed by 32 hex digits`),
        ),
    ),
  );

const TWILIO_SETTINGS = [
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_KEY_SID',
  'TWILIO_API_KEY_SECRET',
  'TWILIO_FROM',
  'TWILIO_MESSAGING_SERVICE_SID',
  'TWILIO_VOICE_FROM',
] as const;

/** Any Twilio setting but the defaulted ones: then TWILIO_ACCOUNT_SID must be there too. */
function twilioSettingsGiven(
  raw: Partial<Record<(typeof TWILIO_SETTINGS)[number], string | undefined>>,
): boolean {
  return TWILIO_SETTINGS.some((name) => raw[name] !== undefined);
}

/** `true` or `false` (also 1/0, yes/no, on/off) or a boolean from wrangler.toml; empty: the default. */
const flag = (fallback: boolean) =>
  z._default(
    z.pipe(
      z.union([z.boolean(), z.literal(''), z.stringbool()], { error: 'must be true or false' }),
      z.transform((value) => value === true),
    ),
    fallback,
  );

/** A page switch: `on` or `off` (true/false, 1/0, yes/no too). Unset or empty: the environment's default (config.ts). */
const onOff = z.optional(
  z.pipe(
    z.union([z.boolean(), z.literal(''), z.stringbool()], { error: 'must be on or off' }),
    z.transform((value) => (value === '' ? undefined : value)),
  ),
);

const rate = (fallback: string) =>
  z._default(
    z.string().check(z.regex(RATE_PATTERN, 'must look like 10/1h (count/window with s, m, h or d)')),
    fallback,
  );

export const configSchema = z
  .object({
    // Unset means production: a deploy that forgot it must not get development's open defaults.
    ENVIRONMENT: z._default(z.enum(['development', 'test', 'staging', 'production']), 'production'),
    APP_NAME: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(30)), 'OTP Edge'),

    UPSTASH_REDIS_REST_URL: httpUrl,
    UPSTASH_REDIS_REST_TOKEN: z.string().check(z.minLength(1)),
    /** Each store round trip is abandoned after this long: the caller gets a quick 503, not a hung request. */
    STORE_TIMEOUT_MS: integer(100, 10_000, 1500),
    /** Prefix of every Redis key, so one database can host several deployments (and test files). */
    KEY_PREFIX: z._default(z.string().check(z.regex(/^[a-z0-9:_-]{1,32}$/)), 'otp:'),
    /**
     * Regional stores (docs/regions.md): `name=https://...,name=https://...`, one Upstash database
     * per region; UPSTASH_REDIS_REST_URL stays the default region. Checked in config/store-regions.ts.
     */
    STORE_REGIONS: optionalText,
    /** Secret: `name=token,...`, one REST token per region of STORE_REGIONS. */
    STORE_REGION_TOKENS: optionalText,
    /** Which countries' numbers live in which region: `eu:GB,DE,FR;ap:AU,NZ`. Unlisted: the default region. */
    STORE_REGION_COUNTRIES: optionalText,

    /** Keys the HMACs of codes and phone numbers. At least 32 characters; rotating it voids every pending code. */
    OTP_SECRET: z.string().check(z.minLength(32)),
    OTP_LENGTH: integer(6, 10, 6),
    /** NIST SP 800-63B: an out-of-band code is valid for at most 10 minutes. */
    OTP_TTL_SECONDS: integer(1, 600, 300),
    OTP_MAX_ATTEMPTS: integer(1, 10, 5),
    /**
     * Wrong guesses per number per rolling day, from everyone, before the number is locked. NIST SP
     * 800-63B allows at most 100 consecutive failures per account; with OTP_MAX_ATTEMPTS 5, reaching
     * 100 takes 20 verifications, each an SMS the owner sees.
     */
    OTP_MAX_FAILURES_PER_DAY: integer(1, 100, 100),
    /**
     * Wrong guesses per number per rolling day from one client network: a stranger stops here, far
     * below the number-wide cap, so they cannot lock the owner out (the owner's network has its own).
     */
    OTP_MAX_FAILURES_PER_CLIENT: integer(1, 100, 10),
    OTP_RESEND_COOLDOWN_SECONDS: integer(0, 3600, 60),
    /**
     * Wait after a code before the user may ask for it over another channel ("call me instead"):
     * shorter than the cooldown, since the switch keeps the verification's attempts and counts.
     */
    OTP_FALLBACK_DELAY_SECONDS: integer(0, 3600, 20),

    /**
     * Numbers that never get an SMS and take a fixed code (app-store review, QA, CI):
     * `+E164:code,...`, each code exactly OTP_LENGTH digits. Checked in config.ts.
     */
    TEST_NUMBERS: optionalText,
    /** When the test numbers become ordinary numbers again (ISO 8601). Required with TEST_NUMBERS in production. */
    TEST_NUMBERS_EXPIRE_AT: optionalText,

    PLIVO_BASE_URL: z._default(httpUrl, 'https://api.plivo.com'),
    PLIVO_AUTH_ID: z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/)),
    PLIVO_AUTH_TOKEN: z.string().check(z.minLength(1)),
    PLIVO_SENDER: optionalText,
    PLIVO_POWERPACK_UUID: optionalText,
    PLIVO_TIMEOUT_MS: integer(500, 20_000, 5000),
    /**
     * The WhatsApp Business number mapped to the Plivo account (a Powerpack cannot send WhatsApp).
     * With PLIVO_WHATSAPP_TEMPLATE it turns `channel: "whatsapp"` on; without, that channel is 422.
     */
    PLIVO_WHATSAPP_SRC: optionalText,
    /**
     * The name of an approved WhatsApp authentication template with a copy-code button, approved
     * in every language codes go out in (the SMS language, see src/adapters/plivo/whatsapp-language.ts).
     */
    PLIVO_WHATSAPP_TEMPLATE: optionalText,
    /**
     * A Plivo voice number, the caller ID of code calls. With PUBLIC_BASE_URL (Plivo fetches what
     * the call says from this Worker) it turns `channel: "voice"` on; without either, that is 422.
     */
    PLIVO_VOICE_SRC: optionalText,
    /**
     * `on`: code calls may go to fixed lines (a landline can hear a call, not read an SMS). Off by
     * default; premium-rate, shared-cost and the other refused kinds stay refused either way.
     */
    VOICE_TO_FIXED_LINES: flag(false),
    PUBLIC_BASE_URL: z.optional(
      z.pipe(
        httpUrl,
        z.transform((url) => url.replace(/\/+$/, '')),
      ),
    ),
    /**
     * `on` only for an old Plivo account that signs delivery callbacks with V2 alone. V2 signs the
     * URL and a nonce, not the body, so a captured V2 header fits any forged body (each nonce is
     * still taken once). Plivo signs current callbacks with V3, which covers the body. Default off:
     * a callback without a V3 signature is refused.
     */
    PLIVO_ACCEPT_V2_SIGNATURES: flag(false),
    /**
     * Twilio (docs/twilio.md), optional: without TWILIO_ACCOUNT_SID it is not configured and no
     * route may name it. TWILIO_AUTH_TOKEN (a secret) checks status-callback signatures and, without
     * an API key, authenticates requests; TWILIO_API_KEY_SID/SECRET (recommended) authenticate them.
     */
    TWILIO_ACCOUNT_SID: optionalSid('AC'),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_KEY_SID: optionalSid('SK'),
    TWILIO_API_KEY_SECRET: optionalText,
    /** The SMS sender: a number or sender ID of the account, or a Messaging Service (MG…); not both. */
    TWILIO_FROM: optionalText,
    TWILIO_MESSAGING_SERVICE_SID: optionalSid('MG'),
    /** The caller ID of code calls (a number of the account): turns Twilio's voice channel on. */
    TWILIO_VOICE_FROM: optionalText,
    TWILIO_BASE_URL: z._default(httpUrl, 'https://api.twilio.com'),
    TWILIO_TIMEOUT_MS: integer(500, 20_000, 5000),
    /**
     * Which providers carry SMS codes, per country, in order (src/config/provider-routes.ts):
     * `*:plivo,twilio;IN:twilio,plivo`. The next provider is tried, with the same code, when one
     * refuses the destination or the account, answers 5xx or times out. Default `*:plivo`.
     */
    SMS_ROUTES: optionalText,
    /** As SMS_ROUTES, for code calls. Default `*:plivo`. */
    VOICE_ROUTES: optionalText,
    /**
     * Languages the SMS may be written in: `*` (default: every template that fits one segment with
     * these settings) or a list of tags (`en,es,fr`) that must each fit. English is always on.
     */
    SMS_LOCALES: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^\s*(\*|[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*(\s*,\s*[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)*)?\s*$/,
            'must be * or a list of language tags like en,es,pt-PT',
          ),
        ),
    ),
    WEBOTP_DOMAIN: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+(:[0-9]+)?$/i))),
    ANDROID_APP_HASH: z.optional(z.string().check(z.regex(/^[A-Za-z0-9+/]{11}$/))),

    /**
     * ISO 3166 codes (`US,CA,GB`), `*` for every country, or both (`*,XX`). `XX`, the
     * non-geographic and satellite numbers (+800, +870, +881...), is allowed only when named: `*`
     * leaves it out, since those cost the most per SMS. Required (no `*` default) in production.
     */
    ALLOWED_COUNTRIES: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^\s*(\*|[A-Za-z]{2})(\s*,\s*(\*|[A-Za-z]{2}))*\s*$/,
            'must be * or a list like US,CA,GB (or both, like *,XX)',
          ),
        ),
    ),
    RATE_LIMIT_SEND_PER_PHONE: rate('5/1h'),
    RATE_LIMIT_SEND_PER_IP: rate('10/1h'),
    RATE_LIMIT_SEND_PER_PREFIX: rate('15/1h'),
    RATE_LIMIT_SEND_PER_COUNTRY: rate('300/1h'),
    RATE_LIMIT_SEND_GLOBAL: rate('1000/1h'),
    RATE_LIMIT_VERIFY_PER_IP: rate('60/10m'),
    /**
     * Bits of an IPv6 address that name one client for the per-IP limits (48-64, default 64). One
     * subscriber holds at least a /64, often a /56 or /48: 64 is the narrowest safe key; 48 also
     * groups subscribers whose provider hands out /48s, at the risk of grouping strangers where
     * a provider packs many customers into one /48.
     */
    IPV6_CLIENT_PREFIX: integer(MIN_IPV6_CLIENT_PREFIX, MAX_IPV6_CLIENT_PREFIX, 64),
    /**
     * The conversion-aware send guard (docs/abuse-defense.md). `enforce` (default) refuses sends
     * into cells whose unverified sends are over budget; `shadow` admits them but counts
     * (`/admin/stats` `shadow`) and logs what it would have refused, to try settings on live
     * traffic; `off` skips it (the plain RATE_LIMIT_SEND_* limits still apply).
     */
    FRAUD_GUARD: z._default(z.enum(FRAUD_GUARD_MODES), 'enforce'),
    /**
     * The guard's sliding window (10m-1d, default 1h). Longer remembers an attack longer but also
     * holds a legitimate burst's unverified sends longer; at least the longest code lifetime, so a
     * code is always verified while its send is still counted.
     */
    FRAUD_GUARD_WINDOW: z._default(
      z.string().check(z.regex(GUARD_WINDOW_PATTERN, 'must be a duration from 10m to 1d, like 1h or 30m')),
      '1h',
    ),
    /**
     * Unverified sends a number range (1,000 numbers) may hold before it must convert (default 2):
     * a pumped range costs this many SMS. Real users sharing a range rarely exceed it, and each
     * one who verifies frees its slot and earns FRAUD_GUARD_CREDIT more.
     */
    FRAUD_GUARD_RANGE_BASE: integer(1, 1000, 2),
    /** The same for a block (a million numbers, about one operator allocation). Default 5. */
    FRAUD_GUARD_BLOCK_BASE: integer(1, 10_000, 5),
    /**
     * The same for a country (default 20): bounds an attack spread over many blocks. Also the size
     * of a fresh deployment's first wave per country, with the overdraft.
     */
    FRAUD_GUARD_COUNTRY_BASE: integer(1, 1_000_000, 15),
    /**
     * What a country over its budget still lends to sends into clean blocks (no unverified send
     * outstanding), default 10: users in untouched parts of an attacked country keep being served.
     */
    FRAUD_GUARD_OVERDRAFT: integer(0, 1_000_000, 10),
    /**
     * Unverified sends each verified code adds to its cells' budgets (0-10, default 1). With 1, a
     * cell converting at least half its codes never meets its budget; 0 makes budgets fixed.
     */
    FRAUD_GUARD_CREDIT: z._default(z.coerce.number().check(z.minimum(0), z.maximum(10)), 1),
    /**
     * Above RATE_LIMIT_SEND_GLOBAL only healthy countries send: as many verified codes as
     * unverified sends, and at least this many verified (default 5), so a country with no history
     * is not healthy by default.
     */
    FRAUD_GUARD_HEALTHY_MIN_VERIFIED: integer(0, 1_000_000, 5),
    /**
     * Codes per hour you expect per country, `US:600,CA:60` (no `*`): a declared country's budget
     * admits a crowd of a quarter of it unverified at once (a launch of 150 users within 20 s for
     * 600), and its RATE_LIMIT_SEND_PER_COUNTRY is raised to twice it. Unset: every country starts
     * strict (FRAUD_GUARD_COUNTRY_BASE) and the guard learns its busiest hour of verified codes over
     * the last 7 days instead. Declare your home markets before a launch.
     */
    FRAUD_GUARD_EXPECTED: optionalText,
    /**
     * Unverified sends each country's challenged cell may hold (default 150): requests whose
     * caller solved a challenge after the plain cells refused them. Plain requests cannot fill it;
     * an attacker who solves every challenge spends at most this (plus its verified credit) per
     * country and window.
     */
    FRAUD_GUARD_CHALLENGED_BASE: integer(0, 1_000_000, 150),
    /**
     * Unverified sends each API key may vouch for with `trustedUser` (default 200 per window, all
     * countries together, plus FRAUD_GUARD_CREDIT per verified code): what a leaked key or a
     * backend that trusts the wrong users can cost.
     */
    FRAUD_GUARD_TRUSTED_BASE: integer(0, 1_000_000, 200),
    /**
     * GET /admin/stats flags a country as possible SMS pumping once it was sent at least this many
     * codes in the window read and verified fewer than PUMPING_VERIFY_RATE_THRESHOLD of them. Lower
     * catches small attacks sooner; higher avoids flagging a quiet country after a few abandoned sign-ups.
     */
    PUMPING_MIN_SENT: integer(1, 1_000_000, 20),
    /**
     * Share of codes sent (0-1) that must be verified for a country to look healthy. Default 0.2:
     * genuine traffic verifies 60-80 %, pumping next to none (docs/sms-pumping.md).
     */
    PUMPING_VERIFY_RATE_THRESHOLD: z._default(z.coerce.number().check(z.minimum(0), z.maximum(1)), 0.2),

    /**
     * How a send's providers are ordered (docs/routing.md). `static` (default): each country's
     * route as configured. `adaptive`: the route's providers with ROUTING_MIN_EVIDENCE sends in
     * ROUTING_WINDOW are ordered by observed conversion (verified per sent), and
     * ROUTING_EXPLORATION of the sends try another provider first.
     */
    ROUTING: z._default(z.enum(ROUTING_MODES), 'static'),
    /** The sliding window conversion is counted over (10m-1d, default 1h): shorter reacts faster on less evidence. */
    ROUTING_WINDOW: z._default(
      z.string().check(z.regex(GUARD_WINDOW_PATTERN, 'must be a duration from 10m to 1d, like 1h or 30m')),
      '1h',
    ),
    /**
     * Codes a provider must have sent in a country, channel and window before its conversion may
     * reorder the route (default 20): with 20 sends, a 30-point gap in conversion is well outside
     * chance; fewer would let a handful of abandoned sign-ups (or an attacker's) move traffic.
     */
    ROUTING_MIN_EVIDENCE: integer(1, 100_000, 20),
    /** Share of sends (0-0.5, default 0.05) that try another provider first, so a recovered one is noticed. */
    ROUTING_EXPLORATION: z._default(z.coerce.number().check(z.minimum(0), z.maximum(0.5)), 0.05),
    /** A provider's breaker counts its requests in windows of this many seconds (5-3600, default 60). */
    BREAKER_WINDOW_SECONDS: integer(5, 3600, 60),
    /** Requests in the window before the breaker may open (1-10,000, default 10): one timeout is no outage. */
    BREAKER_MIN_REQUESTS: integer(1, 10_000, 10),
    /** Share of the window's requests (0.5-1, default 0.5) that were errors or timeouts: then it opens. */
    BREAKER_ERROR_SHARE: z._default(z.coerce.number().check(z.minimum(0.5), z.maximum(1)), 0.5),
    /** How long an open breaker skips its provider (1-3600 s, default 30); then its next answer closes or reopens it. */
    BREAKER_PAUSE_SECONDS: integer(1, 3600, 30),

    /**
     * Secret. Comma-separated API keys of server callers (each 24-256 characters of
     * A-Z a-z 0-9 - . _ ~ + /), each optionally `key@audience`: that key's callers get receipts
     * with that `aud` instead of RECEIPT_AUDIENCE. Only their SHA-256 is kept in memory. A valid
     * key skips the bot check and CORS and may pass the end user's IP in X-End-User-IP.
     */
    API_KEYS: optionalText,
    /** Secret. Same format; an admin key is also a valid API key and may use admin endpoints. */
    ADMIN_API_KEYS: optionalText,
    /** `true`: /otp/* answers 401 without a valid API key (no browser access). Default false. */
    REQUIRE_API_KEY: flag(false),
    /**
     * Comma-separated exact origins allowed to call from a browser (`https://app.example.com`).
     * Default: none (no cross-origin browser access). `*` is not accepted.
     */
    CORS_ORIGINS: optionalText,
    /** Secret. When set, POST /otp/request from a browser needs a Turnstile token checked at siteverify. */
    TURNSTILE_SECRET_KEY: optionalText,
    /** Public. The widget's site key, for the demo page; needs TURNSTILE_SECRET_KEY. */
    TURNSTILE_SITE_KEY: optionalText,
    /** Cloudflare's siteverify endpoint; tests point it at the local stand-in (local/stand-ins/). */
    TURNSTILE_SITEVERIFY_URL: z._default(
      httpUrl,
      'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    ),
    /**
     * Comma-separated hostnames (no scheme, no port) whose pages may solve the widget: siteverify
     * says where a token was solved, and a token from any other page is refused. Default (unset):
     * the hosts of CORS_ORIGINS plus the host this Worker was reached at, which serves the demo page.
     */
    TURNSTILE_ALLOWED_HOSTNAMES: optionalText,
    /** The widget's `action`; a token solved for another action, or for none, is refused. */
    TURNSTILE_EXPECTED_ACTION: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/)), 'otp-request'),
    /** Siteverify gets this long before the request answers 503: no SMS goes out on an unchecked token. */
    TURNSTILE_TIMEOUT_MS: integer(100, 10_000, 3000),
    /**
     * When browser callers meet Turnstile: `always` (default) on every POST /otp/request and
     * channel switch; `pressure` only when the fraud guard would refuse the request (403
     * `challenge_required` with the site key), so a user is challenged only while an attack or a
     * crowd holds the budget. Pressure needs TURNSTILE_SITE_KEY.
     */
    TURNSTILE_MODE: z._default(z.enum(['always', 'pressure']), 'always'),

    /**
     * Apps besides the default one (docs/apps.md), as a JSON list: `[{"id":"shop","name":"Shop",
     * "audience":"https://shop.example.com", ...}]`, each with its own name, audience, countries,
     * declared volumes, channels, senders, code length and lifetime, test numbers' expiry and
     * webhook URL. Unset: the deployment is one app, the default one (the settings above).
     */
    APPS: optionalText,
    /** Secret. `app:key` (or `app:key@audience`) entries: the API keys of each app of APPS. */
    APP_API_KEYS: optionalText,
    /** Secret. `app:+E164:code` entries: each app's test numbers (TEST_NUMBERS is the default app's). */
    APP_TEST_NUMBERS: optionalText,
    /** Secret. `app:whsec_...` entries: each app's event webhook secrets, several during a rotation. */
    APP_WEBHOOK_SECRETS: optionalText,

    RECEIPT_SIGNING_KEY: z.string().check(z.minLength(1)),
    RECEIPT_PREVIOUS_PUBLIC_KEYS: optionalText,
    RECEIPT_ISSUER: z._default(z.string().check(z.minLength(1)), 'otp-edge'),
    /**
     * `aud` of every receipt whose caller's API key names no audience of its own. Required in
     * production; elsewhere unset means `otp-edge-<ENVIRONMENT>` (src/receipt/audience.ts).
     */
    RECEIPT_AUDIENCE: optionalText,
    RECEIPT_TTL_SECONDS: integer(30, 3600, 600),

    /** `/docs`, the interactive API reference. Default: on, except in production. */
    DOCS_PAGE: onOff,
    /** `/`, the demo page that sends real SMS from a browser. Default: on in development and test only. */
    DEMO_PAGE: onOff,
    /**
     * Where the default app's events go (docs/events.md): a Standard Webhooks endpoint of your
     * backend. Unset: no events. Needs EVENT_WEBHOOK_SECRETS and the EVENTS queue binding.
     */
    EVENT_WEBHOOK_URL: z.optional(httpUrl),
    /**
     * Secret. Comma-separated Standard Webhooks secrets, `whsec_` + base64 of 24-64 random bytes
     * (`npm run keygen -- --webhook-secret`). Every one signs each delivery: to rotate, add the
     * new one, move your backend to it, then drop the old one.
     */
    EVENT_WEBHOOK_SECRETS: optionalText,
    /** A delivery not answered within this long counts as failed and is retried. */
    EVENT_WEBHOOK_TIMEOUT_MS: integer(1000, 30_000, 10_000),
    /**
     * First retry delay of a failed delivery; each further one doubles, up to 12 hours (the
     * queue's longest delay). With the queue's max_retries of 10: about 8.5 hours of retries.
     */
    EVENT_WEBHOOK_RETRY_BASE_SECONDS: integer(0, 3600, 30),
    /** `/admin`, the operator dashboard (reads /admin/stats with an admin key typed into it). Default: off. */
    ADMIN_PAGE: onOff,
    /** The local Plivo sandbox's inbox, shown on the demo page (`npm run dev` sets it). Ignored in production. */
    SANDBOX_INBOX_URL: z.optional(httpUrl),
  })
  .check(
    z.refine((raw) => raw.ENVIRONMENT !== 'production' || raw.ALLOWED_COUNTRIES !== undefined, {
      message:
        'production needs an explicit list of countries (for example US,CA); * is allowed but must be written',
      path: ['ALLOWED_COUNTRIES'],
    }),
    z.refine((raw) => raw.ENVIRONMENT !== 'production' || raw.RECEIPT_AUDIENCE !== undefined, {
      message:
        'production needs the audience its receipts are for (your backend checks `aud`); there is no default',
      path: ['RECEIPT_AUDIENCE'],
    }),
    z.refine((raw) => raw.TWILIO_ACCOUNT_SID !== undefined || !twilioSettingsGiven(raw), {
      message: 'set TWILIO_ACCOUNT_SID with the other TWILIO_ settings, or none of them',
      path: ['TWILIO_ACCOUNT_SID'],
    }),
    z.refine((raw) => raw.TWILIO_ACCOUNT_SID === undefined || raw.TWILIO_AUTH_TOKEN !== undefined, {
      message: 'required with TWILIO_ACCOUNT_SID (it checks status-callback signatures)',
      path: ['TWILIO_AUTH_TOKEN'],
    }),
    z.refine((raw) => (raw.TWILIO_API_KEY_SID === undefined) === (raw.TWILIO_API_KEY_SECRET === undefined), {
      message: 'set both TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET, or neither',
      path: ['TWILIO_API_KEY_SID'],
    }),
    z.refine((raw) => raw.TWILIO_FROM === undefined || raw.TWILIO_MESSAGING_SERVICE_SID === undefined, {
      message: 'set at most one of TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID',
      path: ['TWILIO_FROM'],
    }),
    z.refine(
      (raw) =>
        raw.TWILIO_ACCOUNT_SID === undefined ||
        raw.TWILIO_FROM !== undefined ||
        raw.TWILIO_MESSAGING_SERVICE_SID !== undefined ||
        raw.TWILIO_VOICE_FROM !== undefined,
      {
        message:
          'Twilio needs a sender: TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID (SMS), TWILIO_VOICE_FROM (calls)',
        path: ['TWILIO_FROM'],
      },
    ),
    z.refine((raw) => (raw.PLIVO_SENDER === undefined) !== (raw.PLIVO_POWERPACK_UUID === undefined), {
      message: 'set exactly one of PLIVO_SENDER and PLIVO_POWERPACK_UUID',
      path: ['PLIVO_SENDER'],
    }),
    z.refine(
      (raw) => (raw.PLIVO_WHATSAPP_SRC === undefined) === (raw.PLIVO_WHATSAPP_TEMPLATE === undefined),
      {
        message: 'set both PLIVO_WHATSAPP_SRC and PLIVO_WHATSAPP_TEMPLATE, or neither',
        path: ['PLIVO_WHATSAPP_SRC'],
      },
    ),
  );

export type RawConfig = z.output<typeof configSchema>;
