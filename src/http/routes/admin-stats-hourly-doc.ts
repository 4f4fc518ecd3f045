import * as z from 'zod/mini';
import { rate, scopeCounts, statsCounts } from '../admin-stats-schemas.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { adminStatsQuery } from '../schemas.ts';

// Apart from the route (./admin-stats-hourly.ts) so that the response shape, needed only by the
// OpenAPI build, stays out of the Worker bundle.

const channelCounts = (description: string) =>
  z.record(z.string(), z.int()).register(z.globalRegistry, { description });

const hourlyCounts = {
  hour: z.string().register(z.globalRegistry, { description: 'Start of the UTC hour (ISO 8601).' }),
  sent: statsCounts.sent,
  delivered: z.int(),
  failed: statsCounts.failed,
  verified: z.int(),
  test_sent: statsCounts.test_sent,
  test_verified: z.int(),
  verificationRate: rate,
  refused: scopeCounts('Requests refused in the hour, by scope.'),
  shadow: scopeCounts('With FRAUD_GUARD=shadow: sends the guard would have refused, by scope.'),
  challenged: scopeCounts('Guard refusals answered with a challenge, by scope.'),
  channels: channelCounts('Codes sent per channel (switches included): they add up to sent.'),
  switched: channelCounts('Channel switches the caller asked for, by the new channel.'),
  fallbacks: channelCounts("The service's own switches (`auto` after a failed SMS), by the new channel."),
};

const adminStatsHourlyResponse = z
  .object({
    hours: z.int(),
    since: z
      .string()
      .register(z.globalRegistry, { description: 'Start of the oldest hour (ISO 8601, UTC).' }),
    hourStarts: z.array(z.string()).register(z.globalRegistry, {
      description: 'Every hour of the window, oldest first, whether it has rows or not.',
    }),
    rows: z.array(z.object({ country: z.string(), ...hourlyCounts })),
    appRows: z.array(z.object({ app: z.string(), ...hourlyCounts })).register(z.globalRegistry, {
      description:
        'Per hour and app, all countries together, where the deployment counts per app (else empty); delivered and failed are counted per country only (0 here).',
    }),
    unavailableRegions: z.array(z.string()).register(z.globalRegistry, {
      description:
        'Store regions (docs/regions.md; `default` for the default database) that did not answer: their countries are missing from this answer. Empty when every region answered; when none does, the answer is 503.',
    }),
  })
  .register(z.globalRegistry, { id: 'AdminStatsHourly' });

export const adminStatsHourlyDoc: DocumentedRoute = {
  method: 'get',
  path: '/admin/stats/hourly',
  summary: 'The counters of /admin/stats hour by hour, per country, with channels and fallbacks',
  description:
    'Needs `Authorization: Bearer <admin key>` (ADMIN_API_KEYS). The same hourly counters (UTC) `/admin/stats` sums, ' +
    "one row per hour and country that has any: a country's rows over `hours` add up to its line in `/admin/stats?hours=`. " +
    'What the operator dashboard (`/admin`, ADMIN_PAGE) plots.',
  query: adminStatsQuery,
  success: {
    status: 200,
    description: 'Rows oldest hour first, most codes sent first within an hour.',
    schema: adminStatsHourlyResponse,
  },
  errors: ['invalid_request', 'unauthorized', 'forbidden', 'unavailable', 'misconfigured'],
};
