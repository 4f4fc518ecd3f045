import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { requestCode } from '../../otp/request-code.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse, invalidFieldResponse, invalidPhoneResponse } from '../error-response.ts';
import { guardPass } from '../guard-pass.ts';
import { sendRefusalResponse } from '../rate-limited-response.ts';
import { otpPendingResponse, otpRequestBody } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const otpRequestDoc: DocumentedRoute = {
  method: 'post',
  path: '/otp/request',
  summary: 'Send a verification code by SMS, WhatsApp or voice call',
  description:
    "Starts a verification: generates a code, stores only its keyed hash, and sends it over the chosen channel (SMS by default). The answer's verificationId is the handle for verify, status and cancel. One active verification per number: a new request (after the resend cooldown) replaces the previous one, whose id then answers 404.",
  requestBody: otpRequestBody,
  success: { status: 200, description: 'The SMS was accepted by the provider.', schema: otpPendingResponse },
  errors: [
    'invalid_request',
    'invalid_phone',
    'unauthorized',
    'captcha_failed',
    'challenge_required',
    'country_not_allowed',
    'payload_too_large',
    'unsupported_media_type',
    'unsupported_number',
    'channel_unavailable',
    'rate_limited',
    'resend_too_soon',
    'too_many_attempts',
    'sms_failed',
    'unavailable',
    'misconfigured',
  ],
};

export const otpRequestRoutes = new Hono<AppEnv>().post(
  '/otp/request',
  zValidator('json', otpRequestBody, validationHook),
  async (c) => {
    const { turnstileToken, trustedUser, ...fields } = c.req.valid('json');
    // Before the use case: a bot with a bad token costs no store round trip.
    const guard = await guardPass(c, { turnstileToken, trustedUser });
    if (guard instanceof Response) return guard;
    const outcome = await requestCode({ ...fields, clientIp: c.get('clientIp'), guard }, c.get('services'));
    switch (outcome.kind) {
      case 'sent': {
        c.get('log').outcome = 'sent';
        const { kind: _sent, verificationId, channel, fallback, ...times } = outcome;
        return c.json({ verificationId, status: 'pending' as const, channel, fallback, ...times }, 200);
      }
      case 'invalid_binding':
        return invalidFieldResponse(c, outcome);
      case 'invalid_phone':
        return invalidPhoneResponse(c, fields.phone);
      case 'unsupported_number':
      case 'channel_unavailable':
      case 'sms_failed': // the log's detail already holds the provider's words (the adapter wrote them)
        return errorResponse(c, outcome.kind);
      case 'rate_limited':
      case 'challenge_required':
      case 'locked':
      case 'country_not_allowed':
        return sendRefusalResponse(c, outcome);
      case 'resend_too_soon':
        return errorResponse(c, 'resend_too_soon', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'sms_uncertain': {
        const { retryAfterSeconds, verificationId } = outcome;
        return errorResponse(c, 'unavailable', { retryAfterSeconds, extra: { verificationId } });
      }
    }
  },
);
