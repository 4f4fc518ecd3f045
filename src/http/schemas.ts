import * as z from 'zod/mini';
import { CHANNELS, REQUESTED_CHANNELS } from '../otp/channel.ts';
import { MAX_HUMAN_CHECK_TOKEN_LENGTH } from '../otp/ports.ts';
import { MAX_NONCE_LENGTH, NONCE_PATTERN } from '../otp/receipt-nonce.ts';
import { AMOUNT_PATTERN, CURRENCY_PATTERN, MAX_PAYEE_LENGTH, payeeTextProblem } from '../otp/transaction.ts';

/**
 * Request and response shapes. The routes validate with these and /openapi.json is generated from
 * them (src/http/openapi.ts), so the docs cannot drift from what the API accepts. Request objects
 * are strict: an unknown field is a 400, not silently ignored.
 */
const phone = z
  .string()
  .check(z.maxLength(40))
  .register(z.globalRegistry, {
    description:
      'The phone number in international format: + and the country code; spaces, dashes, dots and parentheses are allowed.',
    examples: ['+14155552671'],
  });

const turnstileToken = z
  .string()
  .check(z.maxLength(MAX_HUMAN_CHECK_TOKEN_LENGTH))
  .register(z.globalRegistry, {
    description:
      'The Cloudflare Turnstile token from the widget (or send it in the cf-turnstile-response header). With TURNSTILE_MODE=always, required from browsers when the service has a Turnstile secret; with `pressure`, sent only after a 403 challenge_required, with the same request. Server callers with an API key leave it out.',
  });

const trustedUser = z.boolean().register(z.globalRegistry, {
  description:
    "API-key callers only: `true` vouches that your app already trusts this user (signed in, onboarded, paid). The send skips the fraud guard's range, block and country budgets and spends your key's own budget (FRAUD_GUARD_TRUSTED_BASE, conversion-aware) instead; the per-number limits, failure caps and cooldown still apply. From a browser caller it is 400 invalid_request.",
});

const locale = z
  .string()
  .check(
    z.minLength(2),
    z.maxLength(35),
    z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag like pt-BR'),
  )
  .register(z.globalRegistry, {
    description:
      "The language of the SMS, a BCP 47 tag (`fr`, `pt-BR`, `zh-Hant`). A tag without a template falls back to its language, then to the number's country's language, then to English; it is never refused. Leave it out to let the number's country decide.",
    examples: ['pt-BR'],
  });

/** `nonce` for POST /otp/request, echoed in the receipt: the rule of src/otp/receipt-nonce.ts. */
export const receiptNonce = z
  .string()
  .check(z.regex(NONCE_PATTERN, `must be 1 to ${MAX_NONCE_LENGTH} visible ASCII characters, no spaces`))
  .register(z.globalRegistry, {
    description: `Your login attempt's id (1-${MAX_NONCE_LENGTH} visible ASCII characters, no spaces), returned unchanged in the receipt's \`nonce\` claim: your backend refuses a receipt whose nonce is not the attempt it is finishing.`,
    examples: ['login-7f3a9c2e'],
  });

/**
 * `transaction` for POST /otp/request and /otp/verify (src/otp/transaction.ts): the same rules as
 * `checkTransaction`, so a body that passes here passes there.
 */
export const transactionBinding = z
  .strictObject({
    amount: z
      .string()
      .check(
        z.regex(
          AMOUNT_PATTERN,
          'must be a decimal like 1250.00: digits, no sign or leading zero, at most 4 decimals',
        ),
      ),
    currency: z.string().check(z.regex(CURRENCY_PATTERN, 'must be an ISO 4217 code in capitals, like EUR')),
    payee: z.string().check(
      z.maxLength(MAX_PAYEE_LENGTH * 2),
      z.refine((payee) => payeeTextProblem(payee) === undefined, {
        error: (issue) => payeeTextProblem(String(issue.input)) ?? 'is not a valid payee',
      }),
    ),
  })
  .register(z.globalRegistry, {
    id: 'Transaction',
    description:
      'The payment the code confirms (PSD2 dynamic linking): shown in the SMS ("... to confirm 1250.00 EUR to ACME Ltd ..."), stored with the verification and copied into the receipt\'s `transaction` claim exactly as sent.',
    examples: [{ amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' }],
  });

const channel = z._default(z.enum(REQUESTED_CHANNELS), 'sms').register(z.globalRegistry, {
  description:
    'How the code goes out: `sms` (default), `voice` (a call that speaks the digits twice), `whatsapp` (an authentication template), or `auto`: an SMS, and a call with a fresh code by itself when Plivo reports the SMS failed or undelivered (needs the voice settings and PUBLIC_BASE_URL; without them `auto` is SMS only, and the answer has no `fallback`). A channel whose settings the deployment lacks answers 422 channel_unavailable. A `transaction` is named only in an SMS, so it requires `sms`.',
  examples: ['sms'],
});

export const otpRequestBody = z
  .strictObject({
    phone,
    channel,
    locale: z.optional(locale),
    nonce: z.optional(receiptNonce),
    transaction: z.optional(transactionBinding),
    turnstileToken: z.optional(turnstileToken),
    trustedUser: z.optional(trustedUser),
  })
  .register(z.globalRegistry, { id: 'OtpRequest', examples: [{ phone: '+14155552671' }] });

/** What an id looks like in examples: the shape of a real one, which no deployment issued. */
export const EXAMPLE_VERIFICATION_ID =
  'wq1Ag3x0L7cW2kq9V8mZbQkR1aUH0c2yM9kJtq3n4o5p6Q7r8S9t0U1v2W3x4Y5z6A7b8C9d0E1f2G3h4I5j6K7l';

// 90 characters as issued, up to 128 with an app (docs/apps.md) and a store region (docs/regions.md);
// the bound keeps anything else cheap to refuse.
const verificationId = z
  .string()
  .check(z.minLength(22), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/, 'must be a verification id'))
  .register(z.globalRegistry, {
    description:
      'From POST /otp/request: the only handle on the verification (128 random bits; treat it like a secret).',
    examples: [EXAMPLE_VERIFICATION_ID],
  });

export const verificationPath = z.strictObject({ verificationId });

export const otpVerifyBody = z
  .strictObject({
    verificationId,
    code: z
      .string()
      .check(z.maxLength(20))
      .register(z.globalRegistry, {
        description: 'The code from the SMS: exactly OTP_LENGTH ASCII digits (6 by default), as a string.',
        examples: ['123456'],
      }),
    transaction: z.optional(transactionBinding),
  })
  .register(z.globalRegistry, {
    id: 'OtpVerify',
    examples: [{ verificationId: EXAMPLE_VERIFICATION_ID, code: '123456' }],
  });

export const otpPendingResponse = z
  .object({
    verificationId,
    status: z.literal('pending'),
    channel: z.enum(CHANNELS).register(z.globalRegistry, {
      description: 'The channel the code went out on (`sms` for `auto`).',
    }),
    fallback: z.optional(z.literal('voice')).register(z.globalRegistry, {
      description:
        '`auto` only: the service will call with a fresh code if Plivo reports the SMS failed. Absent when it cannot (no voice settings or PUBLIC_BASE_URL, a number that cannot take code calls, a test number).',
    }),
    expiresInSeconds: z.int().register(z.globalRegistry, { examples: [300] }),
    resendAfterSeconds: z.int().register(z.globalRegistry, { examples: [60] }),
  })
  .register(z.globalRegistry, { id: 'OtpPending' });

export const channelSwitchBody = z
  .strictObject({
    channel: z.enum(CHANNELS).register(z.globalRegistry, {
      description:
        'The channel the new code goes out on; it must differ from the one the current code went out on ("call me instead": `voice`).',
      examples: ['voice'],
    }),
    turnstileToken: z.optional(turnstileToken),
    trustedUser: z.optional(trustedUser),
  })
  .register(z.globalRegistry, { id: 'ChannelSwitch', examples: [{ channel: 'voice' }] });

export const channelSwitchedResponse = z
  .object({
    verificationId,
    status: z.literal('pending'),
    channel: z.enum(CHANNELS),
    expiresInSeconds: z.int().register(z.globalRegistry, { examples: [300] }),
    resendAfterSeconds: z.int().register(z.globalRegistry, { examples: [60] }),
  })
  .register(z.globalRegistry, { id: 'ChannelSwitched' });

export const otpApprovedResponse = z
  .object({
    status: z.literal('approved'),
    receipt: z.string().register(z.globalRegistry, {
      description: 'An ES256 JWT; verify it with /.well-known/jwks.json.',
    }),
    expiresInSeconds: z.int().register(z.globalRegistry, { examples: [600] }),
  })
  .register(z.globalRegistry, { id: 'OtpApproved' });

export const verificationResponse = z
  .object({
    verificationId,
    status: z
      .enum(['pending', 'approved', 'canceled', 'expired', 'max_attempts_reached'])
      .register(z.globalRegistry, {
        description:
          '`pending`: the code can be verified; `approved`: it was; `canceled`: DELETE was called; `expired`: its lifetime passed; `max_attempts_reached`: its code took OTP_MAX_ATTEMPTS wrong guesses (or a verify named another transaction) and can never be approved: request a new code.',
      }),
    attemptsRemaining: z.int().register(z.globalRegistry, {
      description: 'Wrong guesses left on this code (0 once it is no longer pending).',
    }),
    expiresAt: z.string().register(z.globalRegistry, {
      description: 'When the code stops working (ISO 8601, UTC).',
      examples: ['2030-01-01T12:05:00.000Z'],
    }),
    phone: z.string().register(z.globalRegistry, {
      description: 'The number the code went to, masked: the country code and the last two digits.',
      examples: ['+44*******23'],
    }),
    testNumber: z.boolean().register(z.globalRegistry, {
      description: 'A configured test number: no SMS was sent.',
    }),
    channel: z
      .enum(CHANNELS)
      .register(z.globalRegistry, { description: 'The channel the code went out on.' }),
    delivery: z
      .nullable(
        z.object({
          status: z.string().register(z.globalRegistry, {
            description:
              "Plivo's latest delivery status of the SMS (`queued`, `sent`, `delivered`, `undelivered`, `failed`).",
            examples: ['delivered'],
          }),
        }),
      )
      .register(z.globalRegistry, {
        description:
          'null until a delivery report arrived (and always without PUBLIC_BASE_URL, or for a test number).',
      }),
  })
  .register(z.globalRegistry, { id: 'Verification' });

export const verificationCanceledResponse = z
  .object({ verificationId, status: z.literal('canceled') })
  .register(z.globalRegistry, { id: 'VerificationCanceled' });

export const healthResponse = z
  .object({ status: z.literal('ok'), version: z.string() })
  .register(z.globalRegistry, { id: 'Health' });

export const jwksResponse = z
  .object({
    keys: z.array(
      z.looseObject({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Jwks' });

/** Documentation only: the handler reads the raw form, because the signature covers every field as sent. */
export const deliveryCallbackForm = z
  .looseObject({
    MessageUUID: z.string(),
    Sequence: z.string().register(z.globalRegistry, { description: 'Orders the callbacks of one message.' }),
    Status: z.string().register(z.globalRegistry, {
      examples: ['queued', 'sent', 'delivered', 'failed', 'undelivered'],
    }),
    ErrorCode: z.optional(z.string()),
    To: z.optional(
      z.string().register(z.globalRegistry, {
        description: 'Read for its country only; never stored or logged.',
      }),
    ),
  })
  .register(z.globalRegistry, {
    id: 'PlivoDeliveryCallback',
    description: "Plivo's delivery-status fields (the ones used; the others are signed and ignored).",
  });

/** Documentation only, as deliveryCallbackForm: the signature covers every field as sent. */
export const twilioStatusCallbackForm = z
  .looseObject({
    MessageSid: z.string(),
    MessageStatus: z.string().register(z.globalRegistry, {
      examples: ['queued', 'sent', 'delivered', 'failed', 'undelivered'],
    }),
    ErrorCode: z.optional(z.string()),
    To: z.optional(
      z.string().register(z.globalRegistry, {
        description: 'Read for its country only; never stored or logged.',
      }),
    ),
  })
  .register(z.globalRegistry, {
    id: 'TwilioStatusCallback',
    description: "Twilio's message status fields (the ones used; the others are signed and ignored).",
  });

export const deliveryCallbackResponse = z
  .object({
    status: z.enum(['recorded', 'duplicate', 'stale', 'ignored']).register(z.globalRegistry, {
      description:
        '`duplicate`: this MessageUUID + Sequence was processed before; `stale`: a later callback is already recorded; `ignored`: not a message this service sent and still tracks. None of them changes anything.',
    }),
  })
  .register(z.globalRegistry, { id: 'DeliveryCallbackAccepted' });

export const adminStatsQuery = z.strictObject({
  hours: z
    ._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(168)), 24)
    .register(z.globalRegistry, {
      description: 'How many hours to sum, the current (partial) UTC hour included: 1 to 168.',
    }),
});

export const rate = z.nullable(z.number()).register(z.globalRegistry, {
  description: 'A share from 0 to 1 (4 decimals), null when nothing was sent.',
});

export const statsCounts = {
  sent: z.int().register(z.globalRegistry, { description: 'Codes issued (refused SMS not counted).' }),
  delivered: z.int(),
  failed: z.int().register(z.globalRegistry, { description: 'Delivery reports `failed` or `undelivered`.' }),
  verified: z.int(),
  test_sent: z.int().register(z.globalRegistry, {
    description: 'Codes issued to test numbers (TEST_NUMBERS): no SMS, not in sent.',
  }),
  test_verified: z.int().register(z.globalRegistry, { description: 'Test-number codes approved.' }),
  verificationRate: rate,
  deliveryRate: rate,
};

export const scopeCounts = (description: string) =>
  z.record(z.string(), z.int()).register(z.globalRegistry, { description });

const cellBudget = {
  unverified: z.number().register(z.globalRegistry, {
    description:
      'Codes sent and not verified over FRAUD_GUARD_WINDOW (the previous window weighted, so fractional).',
  }),
  verified: z.number(),
  limit: z.number().register(z.globalRegistry, {
    description: 'base + FRAUD_GUARD_CREDIT x verified: the cell admits a send while unverified is below it.',
  }),
  underPressure: z.boolean().register(z.globalRegistry, { description: 'unverified has reached limit.' }),
};

const guardView = z
  .object({
    expected: z.object({ declared: z.int(), learned: z.int(), base: z.int() }).register(z.globalRegistry, {
      description:
        'Codes per hour the guard expects here: declared (FRAUD_GUARD_EXPECTED), learned (the busiest hour of verified codes over the last 7 days), and the country base the larger buys: max(FRAUD_GUARD_COUNTRY_BASE, ceil(E / 4)).',
    }),
    budget: z.object(cellBudget),
    overdraft: z.object(cellBudget),
    challenged: z.object(cellBudget).register(z.globalRegistry, {
      description: 'The challenged cell: sends whose caller solved a challenge once the plain cells refused.',
    }),
    trusted: z.object({ sent: z.number(), verified: z.number() }).register(z.globalRegistry, {
      description:
        'Sends API keys vouched for (trustedUser), all keys together; each key has its own budget.',
    }),
    worstBlocks: z.array(z.object({ block: z.string(), ...cellBudget })),
    worstRanges: z.array(
      z.object({
        rangeTag: z.string().register(z.globalRegistry, {
          description: 'HMAC tag of the range (the store never holds one in clear).',
        }),
        ...cellBudget,
      }),
    ),
  })
  .register(z.globalRegistry, {
    description:
      "The fraud guard's cells of the country as they stand now (docs/abuse-defense.md), with its blocks and ranges holding the most unverified sends.",
  });

export const adminStatsResponse = z
  .object({
    hours: z.int(),
    guardMode: z
      .enum(['enforce', 'shadow', 'off'])
      .register(z.globalRegistry, { description: 'FRAUD_GUARD.' }),
    since: z
      .string()
      .register(z.globalRegistry, { description: 'Start of the oldest hour summed (ISO 8601, UTC).' }),
    thresholds: z.object({ minSent: z.int(), verifyRate: z.number() }),
    countries: z.array(
      z.object({
        country: z.string().register(z.globalRegistry, {
          description: 'ISO 3166-1 alpha-2; XX for non-geographic numbers.',
        }),
        ...statsCounts,
        flagged: z.boolean().register(z.globalRegistry, {
          description:
            'At least thresholds.minSent codes sent and fewer than thresholds.verifyRate verified.',
        }),
        reason: z.nullable(z.string()),
        refused: scopeCounts('Requests refused over the hours read, by scope (the `scope` of the 429).'),
        shadow: scopeCounts('With FRAUD_GUARD=shadow: sends the guard would have refused, by scope.'),
        challenged: scopeCounts(
          'With TURNSTILE_MODE=pressure: guard refusals answered with a challenge instead, by scope.',
        ),
        guard: guardView,
      }),
    ),
    totals: z.object(statsCounts),
    apps: z
      .record(
        z.string(),
        z.object({
          sent: z.int(),
          verified: z.int(),
          test_sent: z.int(),
          test_verified: z.int(),
          verificationRate: rate,
          refused: scopeCounts("This app's requests refused, by scope."),
          shadow: scopeCounts("With FRAUD_GUARD=shadow: this app's sends the guard would have refused."),
          challenged: scopeCounts("This app's guard refusals answered with a challenge, by scope."),
        }),
      )
      .register(z.globalRegistry, {
        description:
          'By app id (docs/apps.md; `default` is the single-app settings and browser callers): the same counts as the countries, per app. The guard cells stay per country.',
      }),
    routing: z
      .object({
        mode: z.enum(['static', 'adaptive']).register(z.globalRegistry, { description: 'ROUTING.' }),
        conversions: z.array(
          z.object({
            country: z.string(),
            channel: z.string(),
            provider: z.string(),
            sent: z.int(),
            delivered: z.int(),
            failed: z.int(),
            verified: z.int(),
            conversion: z.number().register(z.globalRegistry, { description: 'verified / sent.' }),
          }),
        ),
        failovers: z.record(z.string(), z.int()).register(z.globalRegistry, {
          description: 'Per country: failed delivery reports followed by the route’s next provider.',
        }),
        breakers: z.array(
          z.object({
            provider: z.string(),
            state: z.enum(['closed', 'open', 'half_open']),
            openUntil: z.nullable(z.string()),
            requests: z.int(),
            errors: z.int(),
          }),
        ),
      })
      .register(z.globalRegistry, {
        description:
          'Codes per country, channel and provider over the hours read, failovers, and each provider’s breaker now (docs/routing.md).',
      }),
    get webhooks() {
      return webhookStats;
    },
  })
  .register(z.globalRegistry, { id: 'AdminStats' });

/**
 * The named request examples /openapi.json shows per request body (by its schema id): each one a
 * body the API answers 200 to (test/worker/openapi-examples.test.ts sends every one), with the
 * verification id and code of a real request in place of the placeholders. `voice` and `auto`
 * need the voice settings; `npm run dev` has them.
 */
export const REQUEST_EXAMPLES: Readonly<
  Record<string, Readonly<Record<string, { summary: string; value: unknown }>>>
> = {
  OtpRequest: {
    sms: { summary: 'A code by SMS', value: { phone: '+14155552671' } },
    login: {
      summary: 'Bound to your login attempt, in Brazilian Portuguese',
      value: { phone: '+14155552671', locale: 'pt-BR', nonce: 'login-7f3a9c2e' },
    },
    payment: {
      summary: 'Confirming a payment (SMS only)',
      value: {
        phone: '+14155552671',
        channel: 'sms',
        nonce: 'pay-2b81d4',
        transaction: { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' },
      },
    },
    voice: { summary: 'A code by voice call', value: { phone: '+14155552671', channel: 'voice' } },
    auto: {
      summary: 'SMS, then a call if the SMS fails',
      value: { phone: '+14155552671', channel: 'auto' },
    },
  },
  OtpVerify: {
    code: {
      summary: 'The code the user typed',
      value: { verificationId: EXAMPLE_VERIFICATION_ID, code: '123456' },
    },
    payment: {
      summary: 'With the payment it confirms, checked again',
      value: {
        verificationId: EXAMPLE_VERIFICATION_ID,
        code: '123456',
        transaction: { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' },
      },
    },
  },
  ChannelSwitch: {
    voice: { summary: '"Call me instead"', value: { channel: 'voice' } },
  },
};

// ---- Event webhooks (docs/events.md): /admin/stats' `webhooks` (the dead letters' shapes live in
// event-schemas.ts, which only the OpenAPI build imports: they cost the Worker bundle nothing) ----

const webhookCounts = { delivered: z.int(), failed: z.int(), dead: z.int() };

export const webhookStats = z
  .object({ ...webhookCounts, hours: z.array(z.object({ hour: z.string(), ...webhookCounts })) })
  .register(z.globalRegistry, { description: 'Event webhook attempts (docs/events.md).' });
