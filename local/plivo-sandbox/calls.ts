// The calls the sandbox has placed (what `GET /__sandbox/calls` lists) and how a call's outcome is
// chosen by its destination, so tests can steer it like the SMS test numbers:
//   to ending in 0010 -> failed     (the network refused it: HangupCause UNALLOCATED_NUMBER)
//   to ending in 0011 -> busy       (HangupCause USER_BUSY)
//   to ending in 0012 -> no-answer  (rang out: HangupCause NO_ANSWER)
//   to ending in 0013 -> answered by a machine (voicemail): with machine_detection `hangup` Plivo
//                        hangs up at once (no answer URL; the hangup URL gets Machine=true), with
//                        `true` the answer URL gets Machine=true, without detection the answer URL
//                        is requested as for a person and its XML is played into the voicemail
//   any other to      -> answered by a person: the answer URL is requested and its XML played, then completed
// None of the first three requests the answer URL: nobody picked up. The inbox page footer says the same.
// Apart from the SMS test numbers (0000 failed, 0001 undelivered) on purpose: a number whose SMS
// fails but whose phone rings is what a fallback from SMS to a call is for.

import { BoundedList } from '../support/bounded-list.ts';
import type { SpokenPart as SpokenPartOf } from '../support/call-speech.ts';
import { phoneDigits } from './messages.ts';
import type { Voice } from './plivo-xml.ts';

export type CallStatus = 'queued' | 'in-progress' | 'completed' | 'failed' | 'busy' | 'no-answer';

/** What one <Speak> said: local/support/call-speech.ts. */
export type SpokenPart = SpokenPartOf<Voice>;

export interface SandboxCall {
  /** CallUUID, the id Plivo gives the call leg. */
  uuid: string;
  /** request_uuid, what the Call API answered. */
  requestUuid: string;
  from: string;
  to: string;
  answerUrl: string;
  answerMethod: 'GET' | 'POST';
  hangupUrl: string | null;
  /** Every <Speak> text, repeated `loop` times, joined by a space; empty until the call is answered. */
  spokenText: string;
  /** Of the first <Speak>; null when nothing was spoken. */
  language: string | null;
  voice: Voice | null;
  speech: SpokenPart[];
  status: CallStatus;
  /** Who picked up: a person, or a machine (voicemail; `to` ending 0013); null until answered or when nobody did. */
  answeredBy: 'human' | 'machine' | null;
  /** The machine detection the call was placed with (`machine_detection`), null without. */
  machineDetection: 'true' | 'hangup' | null;
  /** Why a call failed (answer URL unreachable, XML refused...), for the developer reading the inbox. */
  error: string | null;
  /** ISO 8601 */
  receivedAt: string;
}

export interface CallOutcome {
  status: 'failed' | 'busy' | 'no-answer';
  hangupCause: string;
}

export const FAILED_TO_SUFFIX = '0010';
export const BUSY_TO_SUFFIX = '0011';
export const NO_ANSWER_TO_SUFFIX = '0012';
export const MACHINE_TO_SUFFIX = '0013';

/** Whether a voicemail, not a person, picks up this call. */
export function answeredByMachine(to: string): boolean {
  return phoneDigits(to).endsWith(MACHINE_TO_SUFFIX);
}

/** The outcome of a call nobody answers, or null when the callee picks up. */
export function unansweredOutcomeFor(to: string): CallOutcome | null {
  const digits = phoneDigits(to);
  if (digits.endsWith(FAILED_TO_SUFFIX)) return { status: 'failed', hangupCause: 'UNALLOCATED_NUMBER' };
  if (digits.endsWith(BUSY_TO_SUFFIX)) return { status: 'busy', hangupCause: 'USER_BUSY' };
  if (digits.endsWith(NO_ANSWER_TO_SUFFIX)) return { status: 'no-answer', hangupCause: 'NO_ANSWER' };
  return null;
}

export const CALL_CAPACITY = 1000;

export class CallStore {
  readonly #calls = new BoundedList<SandboxCall>(CALL_CAPACITY);

  add(call: SandboxCall): void {
    this.#calls.add(call);
  }

  /** A no-op for calls already dropped or cleared. */
  update(uuid: string, change: Partial<Omit<SandboxCall, 'uuid'>>): void {
    const call = this.#calls.find((candidate) => candidate.uuid === uuid);
    if (call) Object.assign(call, change);
  }

  /** Newest first, as copies. `to` matches with or without the leading +. */
  list(to?: string | null): SandboxCall[] {
    const wanted = to ? phoneDigits(to) : null;
    return this.#calls
      .list()
      .filter((call) => wanted === null || phoneDigits(call.to) === wanted)
      .map((call) => ({ ...call, speech: call.speech.map((part) => ({ ...part })) }));
  }

  clear(): void {
    this.#calls.clear();
  }
}
