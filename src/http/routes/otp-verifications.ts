import { Hono } from 'hono';
import { cancelVerification, readVerification } from '../../otp/manage-verification.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { maskPhone } from '../middleware/request-log.ts';
import { verificationCanceledResponse, verificationPath, verificationResponse } from '../schemas.ts';

const PATH = '/otp/verifications/{verificationId}';
const commonErrors = [
  'unauthorized',
  'verification_not_found',
  'rate_limited',
  'unavailable',
  'misconfigured',
] as const;

export const verificationReadDoc: DocumentedRoute = {
  method: 'get',
  path: PATH,
  summary: "A verification's status",
  description:
    'Whoever holds the id may read it (the id is the capability). Counts against the per-network verify limit. Unknown, replaced or no longer retained ids: 404.',
  pathParams: verificationPath,
  success: { status: 200, description: 'The verification as it stands.', schema: verificationResponse },
  errors: commonErrors,
};

export const verificationCancelDoc: DocumentedRoute = {
  method: 'delete',
  path: PATH,
  summary: 'Cancel a verification',
  description:
    'Its code stops working at once ("change number", or the user gave up); canceling again answers the same. An approved verification cannot be canceled (409). Counts against the per-network verify limit.',
  pathParams: verificationPath,
  success: { status: 200, description: 'Canceled.', schema: verificationCanceledResponse },
  errors: [...commonErrors, 'already_approved'],
};

// No schema check on the id: anything that is not an id this service issued is the same 404.
export const otpVerificationsRoutes = new Hono<AppEnv>()
  .get('/otp/verifications/:verificationId', async (c) => {
    const verificationId = c.req.param('verificationId');
    const outcome = await readVerification(
      { verificationId, clientIp: c.get('clientIp') },
      c.get('services'),
    );
    switch (outcome.kind) {
      case 'found': {
        const { view } = outcome;
        return c.json(
          {
            verificationId: view.verificationId,
            status: view.status,
            attemptsRemaining: view.attemptsRemaining,
            expiresAt: new Date(view.expiresAtMs).toISOString(),
            phone: maskPhone(view.e164),
            testNumber: view.testNumber,
            delivery: view.deliveryStatus === undefined ? null : { status: view.deliveryStatus },
          },
          200,
        );
      }
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'rate_limited':
        return errorResponse(c, 'rate_limited', {
          extra: { scope: outcome.scope },
          retryAfterSeconds: outcome.retryAfterSeconds,
        });
    }
  })
  .delete('/otp/verifications/:verificationId', async (c) => {
    const verificationId = c.req.param('verificationId');
    const outcome = await cancelVerification(
      { verificationId, clientIp: c.get('clientIp') },
      c.get('services'),
    );
    switch (outcome.kind) {
      case 'canceled':
        c.get('log').outcome = 'canceled';
        return c.json({ verificationId, status: 'canceled' as const }, 200);
      case 'already_approved':
        return errorResponse(c, 'already_approved');
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'rate_limited':
        return errorResponse(c, 'rate_limited', {
          extra: { scope: outcome.scope },
          retryAfterSeconds: outcome.retryAfterSeconds,
        });
    }
  });
