import type { CodeDispatch, DeliveryResult, OperatorLog } from '../../otp/ports.ts';
import {
  postToTwilio,
  refusalResult,
  refusalText,
  resourceSid,
  type TwilioAccount,
  twilioEndpoint,
  twilioError,
} from './twilio-api-call.ts';

export interface TwilioMessageSettings extends TwilioAccount {
  /** TWILIO_FROM (a number or sender ID of the account) or TWILIO_MESSAGING_SERVICE_SID. */
  sender: { from: string } | { messagingServiceSid: string };
  /** PUBLIC_BASE_URL + TWILIO_STATUS_CALLBACK_PATH; undefined: no delivery reports asked for. */
  statusCallbackUrl: string | undefined;
}

/** `SM` (or `MM` once media were attached) and 32 hex digits (twilio-oai, Message `sid`). */
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
/** Twilio's documented range for ValidityPeriod (error 21624). */
const MAX_VALIDITY_SECONDS = 36_000;

export function createTwilioMessageSender(
  settings: TwilioMessageSettings,
  log: Pick<OperatorLog, 'detail'>,
): { send(dispatch: Extract<CodeDispatch, { channel: 'sms' }>): Promise<DeliveryResult> } {
  const endpoint = twilioEndpoint(settings, 'Messages');
  return {
    async send(dispatch) {
      const params: Record<string, string> = {
        To: dispatch.to,
        Body: dispatch.text,
        ...('from' in settings.sender
          ? { From: settings.sender.from }
          : { MessagingServiceSid: settings.sender.messagingServiceSid }),
        // A message still queued after its code expired is not sent (Twilio's default is 10 hours).
        ValidityPeriod: String(Math.min(MAX_VALIDITY_SECONDS, Math.max(1, dispatch.ttlSeconds))),
        ...(settings.statusCallbackUrl ? { StatusCallback: settings.statusCallbackUrl } : {}),
      };
      const answer = await postToTwilio(settings, endpoint, params);
      if (answer.kind === 'unanswered') {
        log.detail(`twilio ${answer.reason}`);
        return { kind: 'uncertain', reason: answer.reason };
      }
      // 201 Created: queued. Its sid is what status callbacks name (MessageSid).
      if (answer.status === 201 || answer.status === 200) {
        return { kind: 'accepted', messageId: resourceSid(answer.text, MESSAGE_SID) };
      }
      const error = twilioError(answer.text);
      log.detail(`twilio refused ${refusalText(answer.status, error)}`);
      return refusalResult(answer.status, error.code);
    },
  };
}
