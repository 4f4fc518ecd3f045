import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { recentHourBuckets, windowStart } from '../../stats/hour-bucket.ts';
import { buildStatsReport } from '../../stats/pumping-report.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
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

/** 401 without a valid API key, 403 with a key that is not an admin key. */
function adminOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (caller.kind !== 'server') {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(c, 'unauthorized');
    }
    if (!caller.admin) return errorResponse(c, 'forbidden');
    await next();
  };
}

export const adminStatsRoutes = new Hono<AppEnv>().get(
  '/admin/stats',
  adminOnly(),
  zValidator('query', adminStatsQuery, validationHook),
  async (c) => {
    const { hours } = c.req.valid('query');
    const { pumping } = c.get('config');
    const nowMs = c.get('runtime').clock.nowMs();
    const counts = await c.get('services').stats.readHours(recentHourBuckets(nowMs, hours));
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        hours,
        since: windowStart(nowMs, hours),
        thresholds: { minSent: pumping.minSent, verifyRate: pumping.verifyRateThreshold },
        ...buildStatsReport(counts, pumping),
      },
      200,
    );
  },
);
