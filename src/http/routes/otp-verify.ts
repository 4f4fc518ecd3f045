import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { verifyCode } from '../../otp/verify-code.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { errorResponse, invalidFieldResponse } from '../error-response.ts';
import { rateLimitedResponse } from '../rate-limited-response.ts';
import { otpApprovedResponse, otpVerifyBody } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

export const otpVerifyDoc: DocumentedRoute = {
  method: 'post',
  path: '/otp/verify',
  summary: 'Check a code and get a signed receipt',
  description:
    'Checks, counts and consumes the code of one verification in one atomic step. On success the receipt is a JWT your backend verifies with /.well-known/jwks.json. An unknown, expired, canceled, approved or replaced verification is 404 and spends nothing. A code that took OTP_MAX_ATTEMPTS wrong guesses is `max_attempts_reached`: request a new code, after `Retry-After` when the resend cooldown still runs.',
  requestBody: otpVerifyBody,
  success: {
    status: 200,
    description: 'The code was right; the receipt proves it.',
    schema: otpApprovedResponse,
  },
  errors: [
    'invalid_request',
    'invalid_code',
    'unauthorized',
    'verification_not_found',
    'transaction_mismatch',
    'payload_too_large',
    'unsupported_media_type',
    'max_attempts_reached',
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
    const { verificationId, code, transaction } = c.req.valid('json');
    const outcome = await verifyCode(
      {
        verificationId,
        code,
        transaction,
        clientIp: c.get('clientIp'),
        audience: c.get('caller').receiptAudience,
      },
      c.get('services'),
    );
    switch (outcome.kind) {
      case 'approved': {
        c.get('log').outcome = 'approved';
        const { token: receipt, expiresInSeconds } = outcome.receipt;
        return c.json({ status: 'approved' as const, receipt, expiresInSeconds }, 200);
      }
      case 'invalid_request':
        return invalidFieldResponse(c, outcome);
      case 'invalid_code':
        return errorResponse(c, 'invalid_code', { extra: { attemptsRemaining: outcome.attemptsRemaining } });
      case 'not_found':
        return errorResponse(c, 'verification_not_found');
      case 'transaction_mismatch':
        return errorResponse(c, 'transaction_mismatch');
      case 'max_attempts_reached':
      case 'too_many_attempts':
        return errorResponse(c, outcome.kind, { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'rate_limited':
        return rateLimitedResponse(c, outcome);
    }
  },
);
