// What happens to a message or a call, chosen by its destination so tests can steer it (the same
// suffixes as the Plivo sandbox where the outcome exists there too). The inbox page footer and
// docs/local-stack.md list them for people.
//
//   Messages (To ending in)
//     0000  queued -> failed            ErrorCode 30008 (Unknown error); never sent
//     0001  queued -> sent -> undelivered  ErrorCode 30003 (Unreachable destination handset)
//     0002  queued -> sent, then nothing: no final status ever (a silent delivery failure)
//     0003  refused at once: 400, 21610 (the recipient replied STOP)
//     else  queued -> sent -> delivered
//   Calls (To ending in)
//     0010  failed     0011  busy     0012  no-answer (none of them requests the Url)
//     0013  answered by a machine (AnsweredBy machine_start, or machine_end_beep with
//           MachineDetection=DetectMessageEnd); any other number is answered by a person
//   Both: a To starting with a prefix the account's geo permissions refuse (default +882, +883,
//   international networks with no country) is refused at once: 21408 (SMS), 21215 (voice).
// The SMS and call suffixes differ on purpose: a number whose SMS fails while its phone answers is
// what a fallback from SMS to a voice call is for.

import type { TwilioErrorCode } from './twilio-errors.ts';

export const FAILED_SUFFIX = '0000';
export const UNDELIVERED_SUFFIX = '0001';
export const SILENT_SUFFIX = '0002';
export const UNSUBSCRIBED_SUFFIX = '0003';
export const CALL_FAILED_SUFFIX = '0010';
export const CALL_BUSY_SUFFIX = '0011';
export const CALL_NO_ANSWER_SUFFIX = '0012';
export const CALL_MACHINE_SUFFIX = '0013';

export const DEFAULT_GEO_DENIED_PREFIXES: readonly string[] = ['+882', '+883'];

export const FAILED_ERROR_CODE = 30008;
export const UNDELIVERED_ERROR_CODE = 30003;

/** E.164, as Twilio asks for (https://www.twilio.com/docs/glossary/what-e164). */
export const E164 = /^\+[1-9][0-9]{1,14}$/;

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface DeliveryStep {
  status: DeliveryStatus;
  /** Twilio's ErrorCode, on failed and undelivered only. */
  errorCode: number | null;
}

/** A message lost without a word (a silent drop): queued, sent, then undelivered. */
export const SILENT_DROP_STEPS: DeliveryStep[] = [
  { status: 'queued', errorCode: null },
  { status: 'sent', errorCode: null },
  { status: 'undelivered', errorCode: UNDELIVERED_ERROR_CODE },
];

export function deliveryStepsFor(to: string): DeliveryStep[] {
  if (to.endsWith(FAILED_SUFFIX)) return [step('queued'), { status: 'failed', errorCode: FAILED_ERROR_CODE }];
  if (to.endsWith(UNDELIVERED_SUFFIX)) {
    return [step('queued'), step('sent'), { status: 'undelivered', errorCode: UNDELIVERED_ERROR_CODE }];
  }
  if (to.endsWith(SILENT_SUFFIX)) return [step('queued'), step('sent')];
  return [step('queued'), step('sent'), step('delivered')];
}

function step(status: DeliveryStatus): DeliveryStep {
  return { status, errorCode: null };
}

/** Why a message to this number is refused before it is created, or null. */
export function messageRefusalFor(to: string, geoDenied: readonly string[]): TwilioErrorCode | null {
  if (geoDenied.some((prefix) => to.startsWith(prefix))) return 21408;
  if (to.endsWith(UNSUBSCRIBED_SUFFIX)) return 21610;
  return null;
}

/** Why a call to this number is refused before it is created, or null. */
export function callRefusalFor(to: string, geoDenied: readonly string[]): TwilioErrorCode | null {
  return geoDenied.some((prefix) => to.startsWith(prefix)) ? 21215 : null;
}

export type CallOutcome =
  | { answered: false; status: 'failed' | 'busy' | 'no-answer' }
  | { answered: true; by: 'human' | 'machine' };

export function callOutcomeFor(to: string): CallOutcome {
  if (to.endsWith(CALL_FAILED_SUFFIX)) return { answered: false, status: 'failed' };
  if (to.endsWith(CALL_BUSY_SUFFIX)) return { answered: false, status: 'busy' };
  if (to.endsWith(CALL_NO_ANSWER_SUFFIX)) return { answered: false, status: 'no-answer' };
  return { answered: true, by: to.endsWith(CALL_MACHINE_SUFFIX) ? 'machine' : 'human' };
}
