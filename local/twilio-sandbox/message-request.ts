// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` parameters, checked Twilio's way (the
// create parameters of https://www.twilio.com/docs/messaging/api/message-resource and twilio-oai's
// CreateMessageRequest): To is required (E.164), a sender comes from From or MessagingServiceSid,
// Body up to 1600 characters, an optional StatusCallback and ValidityPeriod (1-36000 s). MediaUrl,
// ContentSid and the other parameters are not emulated and are ignored, so a message needs a Body.
// The first problem found is answered, with its code.

import type { FormParams } from './form-params.ts';
import { E164, messageRefusalFor } from './scripted-numbers.ts';
import { type TwilioError, twilioError } from './twilio-errors.ts';
import { isWebhookUrl } from './webhook-url.ts';

export interface MessageRequest {
  to: string;
  /** The sender used: From, or the Messaging Service's first phone number. */
  from: string;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  validityPeriod: number | null;
}

/** What the account owns: the senders it may use and its Messaging Services. */
export interface SenderPool {
  /** E.164 numbers and alphanumeric sender IDs. */
  senders: readonly string[];
  messagingServiceSids: readonly string[];
  geoDeniedPrefixes: readonly string[];
}

export type MessageRequestParse = { ok: true; request: MessageRequest } | { ok: false; error: TwilioError };

export const MAX_BODY_CHARACTERS = 1600;
export const VALIDITY_PERIOD_SECONDS = { min: 1, max: 36_000 } as const;

export const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
// Up to 11 characters: ASCII letters, digits and spaces, not digits only
// (https://www.twilio.com/docs/glossary/what-alphanumeric-sender-id). Twilio also takes 10-digit
// US and Canadian numbers with separators as From (https://www.twilio.com/docs/api/errors/21212);
// the sandbox asks for E.164, which is what an adapter should send.
const ALPHANUMERIC_SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export function parseMessageRequest(params: FormParams, pool: SenderPool): MessageRequestParse {
  const to = params.get('To');
  if (to === null) return refuse(21604, "A 'To' phone number is required.");
  if (!E164.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);

  const messagingServiceSid = params.get('MessagingServiceSid');
  const givenFrom = params.get('From');
  if (givenFrom === null && messagingServiceSid === null) {
    return refuse(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
  }
  if (messagingServiceSid !== null && !pool.messagingServiceSids.includes(messagingServiceSid)) {
    return refuse(21705, `The Messaging Service ${messagingServiceSid} is invalid.`);
  }
  if (givenFrom !== null && !E164.test(givenFrom) && !ALPHANUMERIC_SENDER_ID.test(givenFrom)) {
    return refuse(
      21212,
      `The 'From' number ${givenFrom} is not a valid phone number or alphanumeric sender ID.`,
    );
  }
  if (givenFrom !== null && !pool.senders.includes(givenFrom)) {
    return refuse(21659, `'From' ${givenFrom} is not a Twilio phone number or sender ID of this account.`);
  }
  const from = givenFrom ?? pool.senders.find((sender) => E164.test(sender)) ?? pool.senders[0];
  if (from === undefined) return refuse(21603, 'The Messaging Service has no sender in its pool.');

  const body = params.get('Body');
  if (body === null) return refuse(21602, 'Message body is required.');
  if ([...body].length > MAX_BODY_CHARACTERS) {
    return refuse(21617, `The concatenated message body exceeds the ${MAX_BODY_CHARACTERS} character limit.`);
  }

  const statusCallback = params.get('StatusCallback');
  if (statusCallback !== null && !isWebhookUrl(statusCallback)) {
    return refuse(21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
  }

  const rawValidity = params.get('ValidityPeriod');
  const validityPeriod = rawValidity === null ? null : Number(rawValidity);
  if (
    validityPeriod !== null &&
    !(
      /^[0-9]+$/.test(rawValidity ?? '') &&
      validityPeriod >= VALIDITY_PERIOD_SECONDS.min &&
      validityPeriod <= VALIDITY_PERIOD_SECONDS.max
    )
  ) {
    return refuse(21624, 'Validity period can only be set to integers between 1 and 36,000 seconds.');
  }

  const refusal = messageRefusalFor(to, pool.geoDeniedPrefixes);
  if (refusal === 21408) {
    return refuse(
      21408,
      `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
    );
  }
  if (refusal === 21610) return refuse(21610, 'Attempt to send to unsubscribed recipient');

  return { ok: true, request: { to, from, messagingServiceSid, body, statusCallback, validityPeriod } };
}

function refuse(code: Parameters<typeof twilioError>[0], message: string): MessageRequestParse {
  return { ok: false, error: twilioError(code, message) };
}
