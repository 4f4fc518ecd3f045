import { Hono } from 'hono';
import { readVerification } from '../../otp/manage-verification.ts';
import { maskPhone } from '../../phone/mask-phone.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { rateLimitedResponse } from '../rate-limited-response.ts';
import { verificationPath, verificationResponse } from '../schemas.ts';

export const verificationReadDoc: DocumentedRoute = {
  method: 'get',
  path: '/otp/verifications/{verificationId}',
  summary: "A verification's status",
  description:
    'Whoever holds the id may read it (the id is the capability). Counts against the per-network verify limit. Unknown, replaced or no longer retained ids: 404.',
  pathParams: verificationPath,
  success: { status: 200, description: 'The verification as it stands.', schema: verificationResponse },
  errors: ['unauthorized', 'verification_not_found', 'rate_limited', 'unavailable', 'misconfigured'],
};

// No schema check on the id: anything that is not an id this service issued is the same 404.
export const verificationReadRoutes = new Hono<AppEnv>().get(
  '/otp/verifications/:verificationId',
  async (c) => {
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
            channel: view.channel,
            delivery: view.deliveryStatus === undefined ? null : { status: view.deliveryStatus },
          },
          200,
        );
      }
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'rate_limited':
        return rateLimitedResponse(c, outcome);
    }
  },
);
