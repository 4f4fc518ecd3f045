import type { CodeDispatch, DeliveryResult, OperatorLog } from '../../otp/ports.ts';
import type { VoiceAnswerSeal } from '../../otp/voice-answer-seal.ts';
import { plivoEndpoint, postToPlivo, providerErrorText, refusalResult } from './plivo-api-call.ts';

export interface PlivoCallSettings {
  baseUrl: string;
  authId: string;
  authToken: string;
  timeoutMs: number;
  /** PLIVO_VOICE_SRC, the caller ID. */
  src: string;
  /** PUBLIC_BASE_URL + VOICE_ANSWER_PATH: Plivo fetches the call's words below it. */
  answerBaseUrl: string;
}

export interface PlivoCallPlacer {
  place(dispatch: Extract<CodeDispatch, { channel: 'voice' }>): Promise<DeliveryResult>;
}

/** Long enough to hear the digits twice; a call that lasts longer is not a code call. */
const TIME_LIMIT_SECONDS = 60;
/** A user who has not picked up after this long is not looking at the login page any more. */
const RING_TIMEOUT_SECONDS = 30;
/**
 * How long Plivo's answering-machine detection listens before the call goes on (its default, 2000
 * to 10000 ms): a code spoken into a voicemail would sit in a mailbox, in clear, for anyone who
 * reaches it. With `hangup`, a machine ends the call before Plivo even asks what to say.
 */
const MACHINE_DETECTION_MS = 5_000;

/**
 * Plivo's Call API over plain fetch (docs/plivo.md, "Placing a code call"). The answer URL holds
 * the code only sealed (src/otp/voice-answer-seal.ts): Plivo logs request URLs.
 */
export function createPlivoCallPlacer(
  settings: PlivoCallSettings,
  seal: VoiceAnswerSeal,
  log: Pick<OperatorLog, 'detail'>,
): PlivoCallPlacer {
  const endpoint = plivoEndpoint(settings, 'Call');
  return {
    async place(dispatch) {
      const { verificationId, code, locale, expiresAtMs } = dispatch;
      const token = await seal.seal({ verificationId, code, locale }, expiresAtMs);
      const body = {
        from: settings.src,
        to: dispatch.to,
        answer_url: `${settings.answerBaseUrl}/${expiresAtMs}/${token}`,
        answer_method: 'POST',
        time_limit: TIME_LIMIT_SECONDS,
        ring_timeout: RING_TIMEOUT_SECONDS,
        machine_detection: 'hangup',
        machine_detection_time: MACHINE_DETECTION_MS,
      };
      const answer = await postToPlivo(settings, endpoint, body);
      if (answer.kind === 'unanswered') {
        log.detail(`plivo call ${answer.reason}`);
        return { kind: 'uncertain', reason: answer.reason };
      }
      // A call has no delivery reports to track: no message id.
      if (answer.status === 201 || answer.status === 200) return { kind: 'accepted', messageId: undefined };
      log.detail(`plivo call refused ${answer.status}: ${providerErrorText(answer.text)}`);
      return refusalResult(answer.status, answer.text);
    },
  };
}
