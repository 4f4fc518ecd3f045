import { adminStatsResponse } from '../admin-stats-schemas.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { adminStatsQuery } from '../schemas.ts';

// Apart from the route (./admin-stats.ts) so that the response shape, needed only by the OpenAPI
// build, stays out of the Worker bundle.
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
