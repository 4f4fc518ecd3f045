// Plays each accepted call like Plivo: after a short ring the callee answers (or not, by test
// number), Plivo requests the answer URL with the call's fields, signed as every Plivo callback is,
// plays the XML it gets back, and when the call ends requests the hangup URL, signed too.
// Parameters: Plivo's XML request reference ("Parameters Plivo sends for voice calls").

import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundRuns } from '../support/background-runs.ts';
import { type PlayedCall, playCall, spokenText } from '../support/call-speech.ts';
import { deliverWebhook, fetchWebhookAnswer } from '../support/webhook-request.ts';
import type { CallRequest } from './call-api.ts';
import { buildSignedCallback, plivoTimestamp } from './callbacks.ts';
import {
  answeredByMachine,
  type CallOutcome,
  type CallStatus,
  type SandboxCall,
  unansweredOutcomeFor,
} from './calls.ts';
import { MAX_XML_BYTES, parsePlivoXml, type Voice } from './plivo-xml.ts';
import type { CallbackParam } from './signature-v3.ts';

export interface CallSimulatorOptions {
  authToken: string;
  /** How long a call rings before it is answered (or given up). */
  answerDelayMs: number;
  onUpdate: (uuid: string, change: Partial<Omit<SandboxCall, 'uuid'>>) => void;
  log: (line: string) => void;
}

// The sandbox's own name for a call machine detection hung up; Plivo's documentation names no cause.
const MACHINE_HANGUP_CAUSE = 'MACHINE_DETECTED';

export class CallSimulator {
  readonly #options: CallSimulatorOptions;
  readonly #runs: BackgroundRuns;

  constructor(options: CallSimulatorOptions) {
    this.#options = options;
    this.#runs = new BackgroundRuns(options.log);
  }

  start(call: SandboxCall, request: CallRequest): void {
    this.#runs.start(`call ${call.uuid}`, (signal) => this.#play(call, request, signal));
  }

  cancelAll(): Promise<void> {
    return this.#runs.cancelAll();
  }

  close(): Promise<void> {
    return this.#runs.close();
  }

  async #play(call: SandboxCall, request: CallRequest, signal: AbortSignal): Promise<void> {
    const startedAt = new Date();
    await sleep(this.#options.answerDelayMs, undefined, { signal });
    const unanswered = unansweredOutcomeFor(call.to);
    if (unanswered) {
      this.#options.onUpdate(call.uuid, { status: unanswered.status });
      await this.#hangup(call, request, unanswered, { startedAt, answeredAt: null, seconds: 0 }, signal);
      return;
    }

    const answeredAt = new Date();
    const machine = answeredByMachine(call.to);
    this.#options.onUpdate(call.uuid, { status: 'in-progress', answeredBy: machine ? 'machine' : 'human' });
    if (machine && request.machineDetection === 'hangup') {
      // Plivo's `hangup`: detection listens, finds a machine and hangs up before any XML is
      // fetched; only the hangup URL hears of it, with Machine=true.
      const seconds = Math.ceil(request.machineDetectionTimeMs / 1000);
      this.#options.onUpdate(call.uuid, { status: 'completed' });
      const detected = { status: 'completed' as const, hangupCause: MACHINE_HANGUP_CAUSE };
      await this.#hangup(call, request, detected, { startedAt, answeredAt, seconds }, signal, [
        ['Machine', 'true'],
      ]);
      return;
    }
    // `true`: the answer URL hears that a machine answered and decides; without detection a
    // voicemail is played the XML like a person.
    const told: CallbackParam[] = machine && request.machineDetection === 'true' ? [['Machine', 'true']] : [];
    const result = await this.#answer(call, request, signal, told);
    if (typeof result === 'string') {
      this.#options.log(`call ${call.uuid} failed: ${result}`);
      this.#options.onUpdate(call.uuid, { status: 'failed', error: result });
    } else {
      const first = result.speech[0];
      this.#options.onUpdate(call.uuid, {
        status: 'completed',
        speech: result.speech,
        spokenText: spokenText(result.speech),
        language: first?.language ?? null,
        voice: first?.voice ?? null,
      });
    }
    const seconds = typeof result === 'string' ? 0 : result.seconds;
    const ended: CallOutcome | { status: 'completed'; hangupCause: string } = {
      status: 'completed',
      hangupCause: typeof result === 'string' ? 'XML_ERROR' : 'NORMAL_CLEARING',
    };
    await this.#hangup(call, request, ended, { startedAt, answeredAt, seconds }, signal);
  }

  /** The played instructions, or why the call could not be played. */
  async #answer(
    call: SandboxCall,
    request: CallRequest,
    signal: AbortSignal,
    extra: CallbackParam[],
  ): Promise<PlayedCall<Voice> | string> {
    const params: CallbackParam[] = [
      ...callParams(call),
      ['CallStatus', 'in-progress'],
      ['Event', 'StartApp'],
      ...extra,
    ];
    const outgoing = buildSignedCallback(
      this.#options.authToken,
      { url: request.answerUrl, method: request.answerMethod },
      params,
    );
    const answer = await fetchWebhookAnswer(outgoing, signal);
    if (!answer.ok) return `answer URL unreachable: ${answer.error}`;
    const { status, body } = answer;
    if (status < 200 || status > 299) return `answer URL answered HTTP ${status}`;
    if (Buffer.byteLength(body) > MAX_XML_BYTES) return `answer XML larger than ${MAX_XML_BYTES} bytes`;
    const parsed = parsePlivoXml(body);
    return parsed.ok ? playCall(parsed.instructions) : parsed.error;
  }

  async #hangup(
    call: SandboxCall,
    request: CallRequest,
    outcome: { status: CallStatus; hangupCause: string },
    timing: { startedAt: Date; answeredAt: Date | null; seconds: number },
    signal: AbortSignal,
    extra: CallbackParam[] = [],
  ): Promise<void> {
    if (request.hangupUrl === null) return;
    const endedAt = new Date(timing.startedAt.getTime() + timing.seconds * 1000);
    const params: CallbackParam[] = [
      ...callParams(call),
      ['CallStatus', outcome.status],
      ['Event', 'Hangup'],
      ['HangupCause', outcome.hangupCause],
      ['Duration', String(timing.seconds)],
      ['BillDuration', String(timing.seconds)],
      ['StartTime', plivoTimestamp(timing.startedAt)],
      ['EndTime', plivoTimestamp(endedAt)],
      ...extra,
    ];
    if (timing.answeredAt) params.push(['AnswerTime', plivoTimestamp(timing.answeredAt)]);
    const outgoing = buildSignedCallback(
      this.#options.authToken,
      { url: request.hangupUrl, method: request.hangupMethod },
      params,
    );
    await deliverWebhook(outgoing, signal, {
      label: `hangup callback for ${call.uuid} to ${request.hangupUrl}`,
      log: this.#options.log,
    });
  }
}

function callParams(call: SandboxCall): CallbackParam[] {
  return [
    ['CallUUID', call.uuid],
    ['RequestUUID', call.requestUuid],
    // An outbound API call is its own A leg.
    ['ALegUUID', call.uuid],
    ['ALegRequestUUID', call.requestUuid],
    // Plivo reports numbers as digits without the leading +.
    ['From', call.from.replace(/^\+/, '')],
    ['To', call.to.replace(/^\+/, '')],
    ['Direction', 'outbound'],
  ];
}
