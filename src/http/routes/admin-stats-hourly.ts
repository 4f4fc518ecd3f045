import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { readHourlyStats } from '../../otp/read-hourly-stats.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { adminOnly } from '../middleware/admin-only.ts';
import { adminStatsHourlyResponse, adminStatsQuery } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

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

export const adminStatsHourlyRoutes = new Hono<AppEnv>().get(
  '/admin/stats/hourly',
  adminOnly(),
  zValidator('query', adminStatsQuery, validationHook),
  async (c) => {
    const { hours } = c.req.valid('query');
    const series = await readHourlyStats(hours, c.get('services'));
    c.header('Cache-Control', 'no-store');
    return c.json(series, 200);
  },
);
