import type { CodeDispatch, DeliveryResult, OperatorLog } from '../../otp/ports.ts';
import { plivoEndpoint, postToPlivo, providerErrorText, refusalResult } from './plivo-api-call.ts';
import { whatsAppLanguage } from './whatsapp-language.ts';

export interface PlivoSettings {
  baseUrl: string;
  authId: string;
  authToken: string;
  sender: { src: string } | { powerpackUuid: string };
  timeoutMs: number;
  statusCallbackUrl?: string | undefined;
  /** Undefined when WhatsApp is not set up (PLIVO_WHATSAPP_SRC, PLIVO_WHATSAPP_TEMPLATE). */
  whatsApp: { src: string; template: string } | undefined;
}

export interface PlivoMessageSender {
  send(dispatch: Extract<CodeDispatch, { channel: 'sms' | 'whatsapp' }>): Promise<DeliveryResult>;
}

/**
 * Plivo's Message API over plain fetch (its Node SDK does not run on Workers), for SMS and for
 * WhatsApp templates; docs/plivo.md has the request and the answers this relies on. A failure
 * leaves one line for operators in the log.
 */
export function createPlivoMessageSender(
  settings: PlivoSettings,
  log: Pick<OperatorLog, 'detail'>,
): PlivoMessageSender {
  function logFailure(failure: { status?: number; reason: string; providerError?: string }) {
    const status = failure.status ? ` ${failure.status}` : '';
    const providerError = failure.providerError ? `: ${failure.providerError}` : '';
    log.detail(`plivo ${failure.reason}${status}${providerError}`);
  }

  const endpoint = plivoEndpoint(settings, 'Message');

  function smsContent(text: string) {
    const sender =
      'src' in settings.sender
        ? { src: settings.sender.src }
        : { powerpack_uuid: settings.sender.powerpackUuid };
    return { ...sender, type: 'sms', text };
  }

  /**
   * An approved authentication template: the code is its body parameter and, because Meta stores
   * a copy-code button as a URL button, the parameter of button 0 too. No `text`: a business may
   * write free text only inside a window the user opened, which an OTP recipient has not.
   */
  function whatsAppContent(code: string, locale: string) {
    const { whatsApp } = settings;
    if (!whatsApp) return undefined;
    const parameter = [{ type: 'text', text: code }];
    return {
      src: whatsApp.src,
      type: 'whatsapp',
      template: {
        name: whatsApp.template,
        language: whatsAppLanguage(locale),
        components: [
          { type: 'body', parameters: parameter },
          { type: 'button', sub_type: 'url', index: '0', parameters: parameter },
        ],
      },
    };
  }

  return {
    async send(dispatch): Promise<DeliveryResult> {
      const content =
        dispatch.channel === 'sms'
          ? smsContent(dispatch.text)
          : whatsAppContent(dispatch.code, dispatch.locale);
      if (!content) throw new Error('WhatsApp send without WhatsApp settings');
      const body = {
        ...content,
        dst: dispatch.to,
        // Plivo keeps neither number nor content, so its logs never hold a code.
        log: false,
        // Plivo's minimum is 5 s; a message still queued after the code expired is dropped, not billed.
        message_expiry: Math.max(5, dispatch.ttlSeconds),
        ...(settings.statusCallbackUrl ? { url: settings.statusCallbackUrl, method: 'POST' } : {}),
      };
      const answer = await postToPlivo(settings, endpoint, body);
      if (answer.kind === 'unanswered') {
        logFailure({ reason: answer.reason });
        return { kind: 'uncertain', reason: answer.reason };
      }
      // Queued. The MessageUUID is what its delivery reports will name: the service tracks it so
      // that only reports about its own messages count.
      if (answer.status === 202 || answer.status === 200)
        return { kind: 'accepted', messageId: parseMessageUuid(answer.text) };
      // Plivo's error text explains the refusal to the operator, never to the caller (masked and
      // capped: providerErrorText).
      logFailure({
        status: answer.status,
        reason: 'refused',
        providerError: providerErrorText(answer.text),
      });
      return refusalResult(answer.status, answer.text);
    },
  };
}

const MESSAGE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `{"message_uuid": ["…"]}`: a list because `dst` may name several numbers; this service sends to
 * one, so the first is the message. Lower case, as delivery reports are matched in lower case.
 */
function parseMessageUuid(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      parsed &&
      typeof parsed === 'object' &&
      'message_uuid' in parsed &&
      Array.isArray(parsed.message_uuid)
    ) {
      const [first] = parsed.message_uuid;
      if (typeof first === 'string' && MESSAGE_UUID.test(first)) return first.toLowerCase();
    }
  } catch {
    // Accepted without a readable id: the SMS went out, it just cannot be tracked.
  }
  return undefined;
}
