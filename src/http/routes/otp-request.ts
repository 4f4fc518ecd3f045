import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { composeOtpMessage } from '../../otp/otp-message.ts';
import { requestCode } from '../../otp/request-code.ts';
import { classifyNumberKind } from '../../phone/number-kind.ts';
import { parsePhone } from '../../phone/parse-phone.ts';
import { hourBucket } from '../../stats/hour-bucket.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { maskPhone } from '../middleware/request-log.ts';
import { requireHuman } from '../middleware/require-human.ts';
import { otpPendingResponse, otpRequestBody } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const otpRequestDoc: DocumentedRoute = {
  method: 'post',
  path: '/otp/request',
  summary: 'Send a verification code by SMS',
  description:
    'Generates a code, stores only its keyed hash, and sends it by SMS. A new request replaces the pending code once the resend cooldown has passed.',
  requestBody: otpRequestBody,
  success: { status: 200, description: 'The SMS was accepted by the provider.', schema: otpPendingResponse },
  errors: [
    'invalid_request',
    'invalid_phone',
    'unauthorized',
    'captcha_failed',
    'country_not_allowed',
    'payload_too_large',
    'unsupported_media_type',
    'unsupported_number',
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
    const { phone, turnstileToken } = c.req.valid('json');
    // Before any limit or store call: a bot without a token costs no Redis round trip.
    const notHuman = await requireHuman(c, turnstileToken);
    if (notHuman) return notHuman;
    const parsed = parsePhone(phone);
    if (!parsed.ok) return errorResponse(c, 'invalid_phone');
    const log = c.get('log');
    log.country = parsed.country;
    log.phone = maskPhone(parsed.e164);

    const config = c.get('config');
    if (config.allowedCountries !== 'any' && !config.allowedCountries.has(parsed.country)) {
      return errorResponse(c, 'country_not_allowed', { extra: { country: parsed.country } });
    }
    const kind = classifyNumberKind(parsed.e164);
    if (!kind.allowed) {
      log.detail = `number kind ${kind.kind}`;
      return errorResponse(c, 'unsupported_number');
    }

    const services = c.get('services');
    const { hasher } = services;
    const [phoneTag, ipTag, prefixTag] = await Promise.all([
      hasher.phoneTag(parsed.e164),
      hasher.limitTag('ip', c.get('clientIp')),
      // A run of adjacent numbers (same number but the last 3 digits) is one pumping target.
      hasher.limitTag('prefix', parsed.e164.slice(0, -3)),
    ]);
    const limit = await services.sendLimiter.check({
      phone: phoneTag,
      ip: ipTag,
      prefix: prefixTag,
      country: parsed.country,
      global: 'all',
    });
    if (!limit.allowed) {
      return errorResponse(c, 'rate_limited', {
        extra: { scope: limit.scope },
        retryAfterSeconds: limit.retryAfterSeconds,
      });
    }

    const outcome = await requestCode(
      parsed.e164,
      {
        codeLength: config.otp.length,
        ttlSeconds: config.otp.ttlSeconds,
        resendCooldownSeconds: config.otp.resendCooldownSeconds,
        maxFailures: config.otp.maxFailuresPerDay,
        country: parsed.country,
        hourBucket: hourBucket(c.get('runtime').clock.nowMs()),
      },
      {
        store: services.store,
        sender: services.sender,
        hasher: services.hasher,
        random: c.get('runtime').random,
        composeText: (code) => composeOtpMessage(code, config.message),
      },
    );

    switch (outcome.kind) {
      case 'sent':
        log.outcome = 'sent';
        return c.json(
          {
            status: 'pending' as const,
            expiresInSeconds: outcome.expiresInSeconds,
            resendAfterSeconds: outcome.resendAfterSeconds,
          },
          200,
        );
      case 'resend_too_soon':
        return errorResponse(c, 'resend_too_soon', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'locked':
        return errorResponse(c, 'too_many_attempts', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'sms_rejected':
        log.detail ??= `plivo refused ${outcome.providerStatus}`;
        return errorResponse(c, 'sms_failed');
      case 'sms_uncertain':
        return errorResponse(c, 'unavailable', { retryAfterSeconds: outcome.retryAfterSeconds });
    }
  },
);
