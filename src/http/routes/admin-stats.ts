import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { readStats } from '../../otp/read-stats.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { adminOnly } from '../middleware/admin-only.ts';
import { adminStatsQuery, adminStatsResponse } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const adminStatsDoc: DocumentedRoute = {
  method: 'get',
  path: '/admin/stats',
  summary: 'Codes sent, delivered, failed and verified per country, with SMS-pumping flags',
  description:
    'Needs `Authorization: Bearer <admin key>` (ADMIN_API_KEYS). Sums hourly counters (UTC) over the last `hours` hours. ' +
    'A country is flagged when it was sent at least PUMPING_MIN_SENT codes and verified fewer than PUMPING_VERIFY_RATE_THRESHOLD of them: ' +
    'genuine traffic verifies 60-80 %, pumped traffic next to none. Each event counts in the hour it happened, so short windows can show rates above 1.',
  query: adminStatsQuery,
  success: {
    status: 200,
    description: 'Counters and rates per country, most codes sent first.',
    schema: adminStatsResponse,
  },
  errors: ['invalid_request', 'unauthorized', 'forbidden', 'unavailable', 'misconfigured'],
};

export const adminStatsRoutes = new Hono<AppEnv>().get(
  '/admin/stats',
  adminOnly(),
  zValidator('query', adminStatsQuery, validationHook),
  async (c) => {
    const { hours } = c.req.valid('query');
    const summary = await readStats(hours, c.get('services'));
    c.header('Cache-Control', 'no-store');
    return c.json(summary, 200);
  },
);
