import type { DocumentedRoute } from './documented-route.ts';
import { adminEventsDocs } from './routes/admin-events-doc.ts';
import { adminStatsDoc } from './routes/admin-stats-doc.ts';
import { adminStatsHourlyDoc } from './routes/admin-stats-hourly-doc.ts';
import { deliveryWebhookDoc } from './routes/delivery-webhook.ts';
import { metaDocs } from './routes/meta.ts';
import { otpRequestDoc } from './routes/otp-request.ts';
import { verificationCancelDoc } from './routes/otp-verification-cancel.ts';
import { channelSwitchDoc } from './routes/otp-verification-channel.ts';
import { verificationReadDoc } from './routes/otp-verification-read.ts';
import { otpVerifyDoc } from './routes/otp-verify.ts';
import { twilioStatusWebhookDoc } from './routes/twilio-status-webhook.ts';
import { voiceAnswerDoc } from './routes/voice-answer.ts';

/** Every operation /openapi.json describes, in the document's order. */
export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = [
  ...metaDocs,
  otpRequestDoc,
  otpVerifyDoc,
  verificationReadDoc,
  verificationCancelDoc,
  channelSwitchDoc,
  deliveryWebhookDoc,
  twilioStatusWebhookDoc,
  voiceAnswerDoc,
  adminStatsDoc,
  adminStatsHourlyDoc,
  ...adminEventsDocs,
];
