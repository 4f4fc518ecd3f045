import type { CodeDispatch, DeliveryResult, OperatorLog } from '../../otp/ports.ts';
import { voicePrompt } from '../../otp/voice-prompt.ts';
import {
  postToTwilio,
  refusalResult,
  refusalText,
  type TwilioAccount,
  twilioEndpoint,
  twilioError,
} from './twilio-api-call.ts';
import { spokenCodeTwiml } from './twiml.ts';

export interface TwilioCallSettings extends TwilioAccount {
  /** TWILIO_VOICE_FROM: a number of the account (or a verified caller ID). */
  from: string;
  /** APP_NAME, said before the digits. */
  appName: string;
}

/** Long enough to hear the digits twice; a call that lasts longer is not a code call. */
const TIME_LIMIT_SECONDS = 60;
/** A user who has not picked up after this long is not looking at the login page any more. */
const RING_TIMEOUT_SECONDS = 30;

/**
 * Twilio's Calls API with the words inline (`Twiml`, docs/twilio.md "Voice calls"): the code
 * travels in the POST body over TLS, as an SMS's Body does, and never in a URL (Twilio logs
 * request URLs), and no answer URL has to be served or signed. What inline TwiML cannot do is wait
 * for answering-machine detection and hang up on a machine (that needs a `Url` Twilio requests
 * with `AnsweredBy`): a voicemail that picks up hears the code. docs/twilio.md says so.
 */
export function createTwilioCallPlacer(
  settings: TwilioCallSettings,
  log: Pick<OperatorLog, 'detail'>,
): { place(dispatch: Extract<CodeDispatch, { channel: 'voice' }>): Promise<DeliveryResult> } {
  const endpoint = twilioEndpoint(settings, 'Calls');
  return {
    async place(dispatch) {
      const prompt = voicePrompt(dispatch.code, dispatch.locale, settings.appName);
      const answer = await postToTwilio(settings, endpoint, {
        To: dispatch.to,
        From: settings.from,
        Twiml: spokenCodeTwiml(prompt),
        Timeout: String(RING_TIMEOUT_SECONDS),
        TimeLimit: String(TIME_LIMIT_SECONDS),
      });
      if (answer.kind === 'unanswered') {
        log.detail(`twilio call ${answer.reason}`);
        return { kind: 'uncertain', reason: answer.reason };
      }
      // A call has no delivery reports to track here: no message id.
      if (answer.status === 201 || answer.status === 200) return { kind: 'accepted', messageId: undefined };
      const error = twilioError(answer.text);
      log.detail(`twilio call refused ${refusalText(answer.status, error)}`);
      return refusalResult(answer.status, error.code);
    },
  };
}
