/**
 * A typed client for the otp-edge API, for a customer's backend (or a browser app):
 *
 *   import { createOtpClient } from '@otp-edge/client';
 *   const otp = createOtpClient({ baseUrl: 'https://otp.example.com', apiKey: process.env.OTP_API_KEY });
 *   const sent = await otp.requestCode('+14155552671', { endUserIp });
 *   if (!sent.ok && sent.error.code === 'resend_too_soon') wait(sent.error.retryAfterSeconds);
 *   if (sent.ok) keep(sent.data.verificationId);
 *   const checked = await otp.verifyCode(verificationId, '123456');
 *   if (checked.ok) sendToYourBackend(checked.data.receipt);
 *
 * Hand-written rather than Hono's `hc<AppType>`: no runtime dependency (hc adds ~2 KiB gzip and
 * its error types are a union per status), and results are one discriminated union.
 */
export {
  createOtpClient,
  DEFAULT_TIMEOUT_MS,
  type OtpClient,
  type OtpClientOptions,
  type RequestCodeOptions,
  type SwitchChannelOptions,
  type VerifyCodeOptions,
  type VerifyCodeWithTransactionOptions,
} from './create-otp-client.ts';
export { OtpClientError, type OtpClientErrorCode } from './otp-client-error.ts';
export type { OtpResult } from './otp-result.ts';
export type {
  ChannelSwitchBody,
  ErrorCode,
  OtpApiError,
  OtpApproved,
  OtpCanceled,
  OtpChannelSwitched,
  OtpPending,
  OtpRequestBody,
  OtpVerification,
  OtpVerifyBody,
  RateLimitScope,
  Transaction,
} from './wire-types.ts';
