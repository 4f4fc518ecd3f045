import { Hono } from 'hono';
import { cancelVerification } from '../../otp/manage-verification.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { rateLimitedResponse } from '../rate-limited-response.ts';
import { verificationCanceledResponse, verificationPath } from '../schemas.ts';

export const verificationCancelDoc: DocumentedRoute = {
  method: 'delete',
  path: '/otp/verifications/{verificationId}',
  summary: 'Cancel a verification',
  description:
    'Its code stops working at once ("change number", or the user gave up); canceling again answers the same. An approved verification cannot be canceled (409: its receipt exists). Counts against the per-network verify limit. Unknown or replaced ids: 404.',
  pathParams: verificationPath,
  success: { status: 200, description: 'Canceled.', schema: verificationCanceledResponse },
  errors: [
    'unauthorized',
    'verification_not_found',
    'already_approved',
    'rate_limited',
    'unavailable',
    'misconfigured',
  ],
};

// No schema check on the id: anything that is not an id this service issued is the same 404.
export const verificationCancelRoutes = new Hono<AppEnv>().delete(
  '/otp/verifications/:verificationId',
  async (c) => {
    const verificationId = c.req.param('verificationId');
    const lookup = { verificationId, clientIp: c.get('clientIp') };
    const outcome = await cancelVerification(lookup, c.get('services'));
    switch (outcome.kind) {
      case 'canceled':
        c.get('log').outcome = 'canceled';
        return c.json({ verificationId, status: 'canceled' as const }, 200);
      case 'already_approved':
        return errorResponse(c, 'already_approved');
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'rate_limited':
        return rateLimitedResponse(c, outcome);
    }
  },
);
