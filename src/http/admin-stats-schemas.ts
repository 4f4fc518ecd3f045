import * as z from 'zod/mini';

/**
 * GET /admin/stats' answer, for /openapi.json only: the route returns what src/otp/read-stats.ts
 * builds and validates only its query (./schemas.ts), so these shapes stay out of the Worker bundle
 * (./routes/admin-stats-doc.ts imports them, and only the OpenAPI build imports that).
 */

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
    unavailableRegions: z.array(z.string()).register(z.globalRegistry, {
      description:
        'Store regions (docs/regions.md; `default` for the default database) that did not answer: their countries are missing from this answer. Empty when every region answered; when none does, the answer is 503.',
    }),
    get webhooks() {
      return webhookStats;
    },
  })
  .register(z.globalRegistry, { id: 'AdminStats' });

// Event webhook attempts (docs/events.md): /admin/stats' `webhooks`.

const webhookCounts = { delivered: z.int(), failed: z.int(), dead: z.int() };

export const webhookStats = z
  .object({ ...webhookCounts, hours: z.array(z.object({ hour: z.string(), ...webhookCounts })) })
  .register(z.globalRegistry, { description: 'Event webhook attempts (docs/events.md).' });
