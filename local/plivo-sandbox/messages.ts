// The records the sandbox keeps (re-exported from server.ts, which is what other code imports),
// the bounded newest-first lists that hold them, and how phone numbers are compared.

import { BoundedList } from '../support/bounded-list.ts';
import type { WhatsAppTemplate } from './whatsapp-template.ts';

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';
export type MessageType = 'sms' | 'whatsapp';

export interface SandboxMessage {
  uuid: string;
  src: string | null;
  powerpackUuid: string | null;
  dst: string;
  type: MessageType;
  /** null for WhatsApp: a template carries the content instead. */
  text: string | null;
  /** WhatsApp only: the approved template and the values filled into it. */
  template: WhatsAppTemplate | null;
  /** ISO 8601 */
  receivedAt: string;
  status: MessageStatus;
  url: string | null;
  log: unknown;
  messageExpiry: number | null;
}

/** One request to the Message or Call API, whatever became of it (so tests can assert "nothing was attempted"). */
export interface SendAttempt {
  api: 'message' | 'call';
  receivedAt: string;
  /** The destination: `dst` of a message, `to` of a call. */
  dst: string | null;
  outcome: 'accepted' | 'failed' | 'delayed';
  status: number;
  messageUuid: string | null;
  /** Calls only: the request_uuid the Call API answered. */
  requestUuid: string | null;
  error: string | null;
}

/**
 * Plivo accepts numbers with or without the leading `+`; compare them on digits alone.
 * Leading spaces are dropped too: a `+` typed in a query string (`?dst=+1555…`) arrives decoded as a space.
 */
export function phoneDigits(value: string): string {
  return value.trim().replace(/^\+/, '');
}

// E.164: a country code never starts with 0, and a full number has at most 15 digits.
const E164_WITH_OPTIONAL_PLUS = /^\+?[1-9][0-9]{5,14}$/;

export function isPhoneNumber(value: string): boolean {
  return E164_WITH_OPTIONAL_PLUS.test(value);
}

/**
 * A `dst` (Message API) or `to` (Call API) ending in 0020 is refused outright, 400, with an error
 * text that names the number, as a provider's refusal may (a number outside the account's geo
 * permissions): what the service must not write to its logs in clear.
 */
export const REFUSED_NUMBER_SUFFIX = '0020';

/** The API's refusal of such a number, or null. */
export function refusalOfNumber(field: 'dst' | 'to', value: string): string | null {
  if (!phoneDigits(value).endsWith(REFUSED_NUMBER_SUFFIX)) return null;
  return `${field} ${value} is not allowed by the account's geo permissions (sandbox test number)`;
}

/** Enough for any test run or dev session; the oldest messages go first. */
export const MESSAGE_CAPACITY = 1000;

export class MessageStore {
  readonly #messages = new BoundedList<SandboxMessage>(MESSAGE_CAPACITY);

  add(message: SandboxMessage): void {
    this.#messages.add(message);
  }

  /** A no-op for messages already dropped or cleared: their late lifecycle steps have nowhere to go. */
  setStatus(uuid: string, status: MessageStatus): void {
    const message = this.#messages.find((candidate) => candidate.uuid === uuid);
    if (message) message.status = status;
  }

  /** Newest first, as copies. `dst` matches with or without the leading +. */
  list(dst?: string | null): SandboxMessage[] {
    const wanted = dst ? phoneDigits(dst) : null;
    return this.#messages
      .list()
      .filter((message) => wanted === null || phoneDigits(message.dst) === wanted)
      .map((message) => ({ ...message }));
  }

  clear(): void {
    this.#messages.clear();
  }
}

export const SEND_ATTEMPT_CAPACITY = 1000;

/** Every request to the Message and Call APIs, accepted or not: what `GET /__sandbox/requests` lists. */
export class SendAttemptLog {
  readonly #attempts = new BoundedList<SendAttempt>(SEND_ATTEMPT_CAPACITY);

  record(attempt: SendAttempt): void {
    this.#attempts.add(attempt);
  }

  /** Newest first. */
  list(): SendAttempt[] {
    return this.#attempts.list().map((attempt) => ({ ...attempt }));
  }

  clear(): void {
    this.#attempts.clear();
  }
}

// How a message's delivery plays out, chosen by its destination so tests can steer it:
//   dst ending in 0000 -> queued, failed      (ErrorCode 450: destination country not allowed by geo permissions;
//                                              such a message never leaves Plivo, so there is no `sent`)
//   dst ending in 0001 -> queued, sent, undelivered (ErrorCode 30: the carrier could not deliver)
//   any other dst      -> queued, sent, delivered (WhatsApp: then read, as its blue ticks report)
// The inbox page footer documents the same numbers for people.

export interface DeliveryStep {
  status: MessageStatus;
  /** Plivo's ErrorCode; only failed and undelivered carry one. */
  errorCode: string | null;
}

export const FAILED_DST_SUFFIX = '0000';
export const FAILED_ERROR_CODE = '450';
export const UNDELIVERED_DST_SUFFIX = '0001';
export const UNDELIVERED_ERROR_CODE = '30';

/** A message lost without a word (a silent drop): queued, sent, then undelivered. */
export const SILENT_DROP_STEPS: DeliveryStep[] = [
  { status: 'queued', errorCode: null },
  { status: 'sent', errorCode: null },
  { status: 'undelivered', errorCode: UNDELIVERED_ERROR_CODE },
];

export function deliveryStepsFor(dst: string, type: MessageType): DeliveryStep[] {
  const digits = phoneDigits(dst);
  if (digits.endsWith(FAILED_DST_SUFFIX)) {
    return [step('queued'), { status: 'failed', errorCode: FAILED_ERROR_CODE }];
  }
  if (digits.endsWith(UNDELIVERED_DST_SUFFIX)) {
    return [step('queued'), step('sent'), { status: 'undelivered', errorCode: UNDELIVERED_ERROR_CODE }];
  }
  const delivered = [step('queued'), step('sent'), step('delivered')];
  return type === 'whatsapp' ? [...delivered, step('read')] : delivered;
}

function step(status: MessageStatus): DeliveryStep {
  return { status, errorCode: null };
}
