// The calls the sandbox placed (what GET /__sandbox/calls lists), with what was said in them.

import { BoundedList } from '../support/bounded-list.ts';
import type { SpokenPart } from '../support/call-speech.ts';
import { samePhoneNumber } from './messages.ts';

/** Twilio's Call statuses the sandbox reaches (canceled needs an update request, not emulated). */
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer';

/** StatusCallbackEvent values. */
export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export type MachineDetection = 'Enable' | 'DetectMessageEnd';

export type { SpokenPart } from '../support/call-speech.ts';

export interface SandboxCall {
  /** CA + 32 hex digits. */
  sid: string;
  from: string;
  to: string;
  /** Where the TwiML comes from; null when it was given inline as Twiml. */
  url: string | null;
  method: 'GET' | 'POST';
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  statusCallbackEvents: CallEvent[];
  machineDetection: MachineDetection | null;
  /** human, machine_start, machine_end_beep...; null without machine detection or before the answer. */
  answeredBy: string | null;
  status: CallStatus;
  /** Every <Say> text, repeated loop times, joined by a space; empty until the TwiML has been read. */
  spokenText: string;
  speech: SpokenPart[];
  /** Of the first <Say>. */
  voice: string | null;
  language: string | null;
  /** Twilio's code for what went wrong in the call (11200, 12100...), when there is one. */
  errorCode: number | null;
  /** Why the TwiML could not be played, for the developer reading the inbox. */
  error: string | null;
  /** Seconds, once the call has ended. */
  duration: number | null;
  /** ISO 8601 */
  dateCreated: string;
  startTime: string | null;
  endTime: string | null;
}

export const CALL_CAPACITY = 1000;

export class CallStore {
  readonly #calls = new BoundedList<SandboxCall>(CALL_CAPACITY);

  add(call: SandboxCall): void {
    this.#calls.add(call);
  }

  /** A no-op for calls already dropped or cleared. */
  update(sid: string, change: Partial<Omit<SandboxCall, 'sid'>>): void {
    const call = this.#calls.find((candidate) => candidate.sid === sid);
    if (call) Object.assign(call, change);
  }

  /** Newest first, as copies. */
  list(to?: string | null): SandboxCall[] {
    return this.#calls
      .list()
      .filter((call) => !to || samePhoneNumber(call.to, to))
      .map((call) => ({
        ...call,
        statusCallbackEvents: [...call.statusCallbackEvents],
        speech: call.speech.map((part) => ({ ...part })),
      }));
  }

  clear(): void {
    this.#calls.clear();
  }
}
