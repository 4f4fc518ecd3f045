import * as z from 'zod/mini';

/**
 * Request and response shapes. The routes validate with these and /openapi.json is generated from
 * them (src/http/openapi.ts), so the docs cannot drift from what the API accepts. Request objects
 * are strict: an unknown field is a 400, not silently ignored.
 */
const phone = z
  .string()
  .check(z.maxLength(40))
  .register(z.globalRegistry, {
    description:
      'The phone number in international format: + and the country code; spaces, dashes, dots and parentheses are allowed.',
    examples: ['+14155552671'],
  });

export const otpRequestBody = z.strictObject({ phone }).register(z.globalRegistry, { id: 'OtpRequest' });

export const otpVerifyBody = z
  .strictObject({
    phone,
    code: z
      .string()
      .check(z.maxLength(20))
      .register(z.globalRegistry, {
        description: 'The code from the SMS: exactly OTP_LENGTH ASCII digits (6 by default), as a string.',
        examples: ['123456'],
      }),
  })
  .register(z.globalRegistry, { id: 'OtpVerify' });

export const otpPendingResponse = z
  .object({
    status: z.literal('pending'),
    expiresInSeconds: z.int().register(z.globalRegistry, { examples: [300] }),
    resendAfterSeconds: z.int().register(z.globalRegistry, { examples: [60] }),
  })
  .register(z.globalRegistry, { id: 'OtpPending' });

export const otpApprovedResponse = z
  .object({
    status: z.literal('approved'),
    receipt: z.string().register(z.globalRegistry, {
      description: 'An ES256 JWT; verify it with /.well-known/jwks.json.',
    }),
    expiresInSeconds: z.int().register(z.globalRegistry, { examples: [600] }),
  })
  .register(z.globalRegistry, { id: 'OtpApproved' });

export const healthResponse = z
  .object({ status: z.literal('ok'), version: z.string() })
  .register(z.globalRegistry, { id: 'Health' });

export const jwksResponse = z
  .object({
    keys: z.array(
      z.looseObject({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Jwks' });
