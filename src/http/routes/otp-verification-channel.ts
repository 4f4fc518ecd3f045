import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { switchChannel } from '../../otp/switch-channel.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse, invalidFieldResponse } from '../error-response.ts';
import { guardPass } from '../guard-pass.ts';
import { sendRefusalResponse } from '../rate-limited-response.ts';
import { channelSwitchBody, channelSwitchedResponse, verificationPath } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const channelSwitchDoc: DocumentedRoute = {
  method: 'post',
  path: '/otp/verifications/{verificationId}/channel',
  summary: 'Send a new code over another channel ("call me instead")',
  description:
    'For a user whose code did not arrive: a fresh code on the same verification over another channel, allowed OTP_FALLBACK_DELAY_SECONDS after its last code (429 fallback_too_soon before that). The previous code stops working; wrong guesses already made still count. A switch is a send: the same bot check, every send limit and the fraud guard apply, charged to the network that requested the verification. Unknown, replaced, approved, canceled or expired verifications: 404.',
  pathParams: verificationPath,
  requestBody: channelSwitchBody,
  success: { status: 200, description: 'The new code went out.', schema: channelSwitchedResponse },
  errors: [
    'invalid_request',
    'unauthorized',
    'captcha_failed',
    'challenge_required',
    'country_not_allowed',
    'verification_not_found',
    'payload_too_large',
    'unsupported_media_type',
    'unsupported_number',
    'channel_unavailable',
    'fallback_too_soon',
    'max_attempts_reached',
    'rate_limited',
    'too_many_attempts',
    'sms_failed',
    'unavailable',
    'misconfigured',
  ],
};

export const channelSwitchRoutes = new Hono<AppEnv>().post(
  '/otp/verifications/:verificationId/channel',
  zValidator('json', channelSwitchBody, validationHook),
  async (c) => {
    const { turnstileToken, trustedUser, ...body } = c.req.valid('json');
    const guard = await guardPass(c, { turnstileToken, trustedUser });
    if (guard instanceof Response) return guard;
    const request = { ...c.req.param(), ...body, clientIp: c.get('clientIp'), guard };
    const outcome = await switchChannel(request, c.get('services'));
    switch (outcome.kind) {
      case 'switched': {
        c.get('log').outcome = 'sent';
        const { kind: _switched, ...switched } = outcome;
        return c.json({ verificationId: request.verificationId, status: 'pending', ...switched }, 200);
      }
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'invalid_binding':
        return invalidFieldResponse(c, outcome);
      case 'unsupported_number':
      case 'channel_unavailable':
      case 'max_attempts_reached':
      case 'sms_failed':
        return errorResponse(c, outcome.kind);
      case 'fallback_too_soon':
        return errorResponse(c, 'fallback_too_soon', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'rate_limited':
      case 'challenge_required':
      case 'locked':
      case 'country_not_allowed':
        return sendRefusalResponse(c, outcome);
      case 'sms_uncertain':
        return errorResponse(c, 'unavailable', { retryAfterSeconds: outcome.retryAfterSeconds });
    }
  },
);
