import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { blockIp, isIpBlocked } from '../../adapters/isolate-memory/verify-throttle.ts';
import { windowSeconds } from '../../config/rate.ts';
import { verifyCode } from '../../otp/verify-code.ts';
import { parsePhone } from '../../phone/parse-phone.ts';
import { hourBucket } from '../../stats/hour-bucket.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse } from '../error-response.ts';
import { maskPhone } from '../middleware/request-log.ts';
import { otpApprovedResponse, otpVerifyBody } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const otpVerifyDoc: DocumentedRoute = {
  method: 'post',
  path: '/otp/verify',
  summary: 'Check a code and get a signed receipt',
  description:
    'Checks, counts and consumes the code in one atomic step. On success the receipt is a JWT your backend verifies with /.well-known/jwks.json.',
  requestBody: otpVerifyBody,
  success: {
    status: 200,
    description: 'The code was right; the receipt proves it.',
    schema: otpApprovedResponse,
  },
  errors: [
    'invalid_request',
    'invalid_phone',
    'invalid_code',
    'unauthorized',
    'payload_too_large',
    'unsupported_media_type',
    'code_expired',
    'too_many_attempts',
    'rate_limited',
    'unavailable',
    'misconfigured',
  ],
};

export const otpVerifyRoutes = new Hono<AppEnv>().post(
  '/otp/verify',
  zValidator('json', otpVerifyBody, validationHook),
  async (c) => {
    const { phone, code } = c.req.valid('json');
    const config = c.get('config');
    // Exactly OTP_LENGTH ASCII digits: no unicode digits, no whitespace, no second guess packed in.
    if (!new RegExp(`^[0-9]{${config.otp.length}}$`).test(code)) {
      return errorResponse(c, 'invalid_request', {
        extra: { issues: [{ field: 'code', problem: `must be exactly ${config.otp.length} digits` }] },
      });
    }
    const parsed = parsePhone(phone);
    if (!parsed.ok) return errorResponse(c, 'invalid_phone');
    const log = c.get('log');
    log.country = parsed.country;
    log.phone = maskPhone(parsed.e164);

    const services = c.get('services');
    const clientIp = c.get('clientIp');
    const now = c.get('runtime').clock.nowMs();
    const verifyRate = config.rateLimits.verifyPerIp;
    const blockKey = `${config.store.keyPrefix}${verifyRate.limit}/${verifyRate.window}:${clientIp}`;
    const blockedUntil = isIpBlocked(blockKey, now);
    if (blockedUntil !== undefined) {
      return errorResponse(c, 'rate_limited', {
        extra: { scope: 'ip' },
        retryAfterSeconds: (blockedUntil - now) / 1000,
      });
    }

    const outcome = await verifyCode(
      { e164: parsed.e164, code, clientIp },
      {
        maxAttempts: config.otp.maxAttempts,
        maxFailures: config.otp.maxFailuresPerDay,
        maxVerifiesPerIp: verifyRate.limit,
        ipWindowSeconds: windowSeconds(verifyRate),
        country: parsed.country,
        hourBucket: hourBucket(now),
      },
      { store: services.store, hasher: services.hasher },
    );
    switch (outcome.kind) {
      case 'approved': {
        const receipt = await services.signer.sign(parsed.e164);
        log.outcome = 'approved';
        return c.json(
          { status: 'approved' as const, receipt: receipt.token, expiresInSeconds: receipt.expiresInSeconds },
          200,
        );
      }
      case 'wrong_code':
        return errorResponse(c, 'invalid_code', { extra: { attemptsRemaining: outcome.attemptsRemaining } });
      case 'expired':
        return errorResponse(c, 'code_expired');
      case 'too_many_attempts':
        return errorResponse(c, 'too_many_attempts', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'rate_limited':
        blockIp(blockKey, now + outcome.retryAfterSeconds * 1000);
        return errorResponse(c, 'rate_limited', {
          extra: { scope: outcome.scope },
          retryAfterSeconds: outcome.retryAfterSeconds,
        });
    }
  },
);
