import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { readStats } from '../../otp/read-stats.ts';
import type { AppEnv } from '../app-env.ts';
import { adminOnly } from '../middleware/admin-only.ts';
import { adminStatsQuery } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const adminStatsRoutes = new Hono<AppEnv>().get(
  '/admin/stats',
  adminOnly(),
  zValidator('query', adminStatsQuery, validationHook),
  async (c) => {
    const { hours } = c.req.valid('query');
    const summary = await readStats(hours, c.get('services'));
    // A region left out of the sums (docs/regions.md) is named in the request's log line too.
    if (summary.unavailableRegions.length > 0)
      c.get('log').detail = `store regions unavailable: ${summary.unavailableRegions.join(', ')}`;
    c.header('Cache-Control', 'no-store');
    return c.json(summary, 200);
  },
);
