// Plays each accepted call like Twilio: it is dialled (initiated), rings, and is answered or not by
// its scripted number (scripted-numbers.ts). An answered call's TwiML comes from Url, requested
// with Method and signed like every Twilio webhook, or from the Twiml parameter; what its <Say>
// verbs say is recorded. With MachineDetection, detection runs before the TwiML is fetched and the
// request carries AnsweredBy: human, or machine_start (Enable) / machine_end_beep (DetectMessageEnd)
// for a machine (https://www.twilio.com/docs/voice/answering-machine-detection).
// Status callbacks go to StatusCallback for the StatusCallbackEvent values asked (completed alone
// by default), with CallStatus initiated, ringing, in-progress (answered) and the final status
// (completed event), plus CallbackSource, SequenceNumber and Timestamp, and CallDuration on
// completed (https://www.twilio.com/docs/voice/api/call-resource; the parameter table of the TwiML
// <Client> noun's statusCallback, https://www.twilio.com/docs/voice/twiml/client).
// A Url that cannot be fetched (11200) or TwiML that cannot be read (12100, 12102) does not fail
// the call: Twilio answered it, says an application error and hangs up; the call ends completed
// with the error recorded.

import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundRuns } from '../support/background-runs.ts';
import { playCall, spokenText } from '../support/call-speech.ts';
import { deliverWebhook, fetchWebhookAnswer } from '../support/webhook-request.ts';
import type { CallEvent, CallStatus, SandboxCall } from './calls.ts';
import { API_VERSION, rfc2822 } from './resource-ids.ts';
import { callOutcomeFor } from './scripted-numbers.ts';
import type { WebhookParam } from './signature.ts';
import { MAX_TWIML_BYTES, parseTwiml, type TwimlInstruction } from './twiml.ts';
import { buildSignedWebhook } from './webhooks.ts';

export interface CallSimulatorOptions {
  accountSid: string;
  authToken: string;
  /** How long a call rings before it is answered (or given up). */
  answerDelayMs: number;
  onUpdate: (sid: string, change: Partial<Omit<SandboxCall, 'sid'>>) => void;
  log: (line: string) => void;
}

type Instructions =
  | { ok: true; instructions: TwimlInstruction[] }
  | { ok: false; errorCode: number | null; error: string };

export class CallSimulator {
  readonly #options: CallSimulatorOptions;
  readonly #runs: BackgroundRuns;

  constructor(options: CallSimulatorOptions) {
    this.#options = options;
    this.#runs = new BackgroundRuns(options.log);
  }

  start(call: SandboxCall): void {
    this.#runs.start(`call ${call.sid}`, (signal) => this.#play(call, signal));
  }

  cancelAll(): Promise<void> {
    return this.#runs.cancelAll();
  }

  close(): Promise<void> {
    return this.#runs.close();
  }

  async #play(call: SandboxCall, signal: AbortSignal): Promise<void> {
    const events = new StatusCallbacks(this.#options, call, signal);
    await events.send('initiated', 'initiated', null);
    const outcome = callOutcomeFor(call.to);
    if (!outcome.answered) {
      if (outcome.status === 'no-answer') await this.#ring(call, events);
      await sleep(this.#options.answerDelayMs, undefined, { signal });
      this.#options.onUpdate(call.sid, {
        status: outcome.status,
        duration: 0,
        endTime: new Date().toISOString(),
      });
      await events.send('completed', outcome.status, null, [['CallDuration', '0']]);
      return;
    }

    await this.#ring(call, events);
    await sleep(this.#options.answerDelayMs, undefined, { signal });
    signal.throwIfAborted();
    const answeredBy =
      call.machineDetection === null ? null : answeredByFor(outcome.by, call.machineDetection);
    const startTime = new Date();
    this.#options.onUpdate(call.sid, {
      status: 'in-progress',
      answeredBy,
      startTime: startTime.toISOString(),
    });
    await events.send('answered', 'in-progress', answeredBy);

    const instructions = await this.#instructions(call, answeredBy, signal);
    const played = instructions.ok ? playCall(instructions.instructions) : { speech: [], seconds: 1 };
    if (!instructions.ok) this.#options.log(`call ${call.sid}: ${instructions.error}`);
    const first = played.speech[0];
    this.#options.onUpdate(call.sid, {
      status: 'completed',
      speech: played.speech,
      spokenText: spokenText(played.speech),
      voice: first?.voice ?? null,
      language: first?.language ?? null,
      errorCode: instructions.ok ? null : instructions.errorCode,
      error: instructions.ok ? null : instructions.error,
      duration: played.seconds,
      endTime: new Date(startTime.getTime() + played.seconds * 1000).toISOString(),
    });
    await events.send('completed', 'completed', answeredBy, [['CallDuration', String(played.seconds)]]);
  }

  async #ring(call: SandboxCall, events: StatusCallbacks): Promise<void> {
    this.#options.onUpdate(call.sid, { status: 'ringing' });
    await events.send('ringing', 'ringing', null);
  }

  /** The TwiML to play: fetched from Url (signed), or the Twiml parameter. */
  async #instructions(
    call: SandboxCall,
    answeredBy: string | null,
    signal: AbortSignal,
  ): Promise<Instructions> {
    if (call.url === null) return parseTwiml(call.twiml ?? '');
    const params = voiceRequestParams(this.#options.accountSid, call, 'in-progress');
    if (answeredBy !== null) params.push(['AnsweredBy', answeredBy]);
    const webhook = buildSignedWebhook(
      this.#options.authToken,
      { url: call.url, method: call.method },
      params,
    );
    const answer = await fetchWebhookAnswer(webhook, signal);
    if (!answer.ok) return { ok: false, errorCode: 11200, error: `HTTP retrieval failure: ${answer.error}` };
    const { status, body } = answer;
    if (status < 200 || status > 299) {
      return {
        ok: false,
        errorCode: 11200,
        error: `HTTP retrieval failure: the Url answered HTTP ${status}`,
      };
    }
    if (Buffer.byteLength(body) > MAX_TWIML_BYTES) {
      return {
        ok: false,
        errorCode: null,
        error: `the TwiML is larger than the sandbox's ${MAX_TWIML_BYTES} bytes`,
      };
    }
    return parseTwiml(body);
  }
}

/** One call's status callbacks: only the events asked for, numbered in the order they are sent. */
class StatusCallbacks {
  readonly #options: CallSimulatorOptions;
  readonly #call: SandboxCall;
  readonly #signal: AbortSignal;
  #sequence = 0;

  constructor(options: CallSimulatorOptions, call: SandboxCall, signal: AbortSignal) {
    this.#options = options;
    this.#call = call;
    this.#signal = signal;
  }

  async send(
    event: CallEvent,
    status: CallStatus | 'initiated',
    answeredBy: string | null,
    extra: WebhookParam[] = [],
  ): Promise<void> {
    this.#signal.throwIfAborted();
    const url = this.#call.statusCallback;
    if (url === null || !this.#call.statusCallbackEvents.includes(event)) return;
    const params = voiceRequestParams(this.#options.accountSid, this.#call, status);
    params.push(
      ['CallbackSource', 'call-progress-events'],
      ['SequenceNumber', String(this.#sequence)],
      ['Timestamp', rfc2822(new Date())],
      ...extra,
    );
    if (answeredBy !== null) params.push(['AnsweredBy', answeredBy]);
    this.#sequence += 1;
    const webhook = buildSignedWebhook(
      this.#options.authToken,
      { url, method: this.#call.statusCallbackMethod },
      params,
    );
    await deliverWebhook(webhook, this.#signal, {
      label: `call status callback ${event} for ${this.#call.sid} to ${url}`,
      log: this.#options.log,
    });
  }
}

/** The parameters of every voice webhook (https://www.twilio.com/docs/voice/twiml#request-parameters). */
function voiceRequestParams(accountSid: string, call: SandboxCall, status: string): WebhookParam[] {
  return [
    ['AccountSid', accountSid],
    ['ApiVersion', API_VERSION],
    ['CallSid', call.sid],
    ['CallStatus', status],
    ['Called', call.to],
    ['Caller', call.from],
    ['Direction', 'outbound-api'],
    ['From', call.from],
    ['To', call.to],
  ];
}

function answeredByFor(by: 'human' | 'machine', detection: 'Enable' | 'DetectMessageEnd'): string {
  if (by === 'human') return 'human';
  return detection === 'Enable' ? 'machine_start' : 'machine_end_beep';
}
