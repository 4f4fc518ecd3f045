// Plays each accepted message through its delivery lifecycle: updates the stored status step by step
// and, when the send asked for it, calls the status URL once per step. Steps of one message run in
// order and one at a time (each callback finishes before the next step starts) so receivers see
// Sequence 1, 2, 3 arrive in that order even with no delay between steps.

import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundRuns } from '../support/background-runs.ts';
import { deliverWebhook } from '../support/webhook-request.ts';
import { buildSignedCallback, type CallbackTarget, statusCallbackParams } from './callbacks.ts';
import { type DeliveryStep, deliveryStepsFor, type MessageStatus, type SandboxMessage } from './messages.ts';
import type { SignedMethod } from './signature-v3.ts';

export interface DeliverySimulatorOptions {
  authToken: string;
  /** Gap between two steps of one message. */
  stepDelayMs: number;
  onStatus: (uuid: string, status: MessageStatus) => void;
  log: (line: string) => void;
}

export class DeliverySimulator {
  readonly #options: DeliverySimulatorOptions;
  readonly #runs: BackgroundRuns;

  constructor(options: DeliverySimulatorOptions) {
    this.#options = options;
    this.#runs = new BackgroundRuns(options.log);
  }

  /** `steps`: the lifecycle to play, the number's scripted one unless a silent drop replaces it. */
  start(
    message: SandboxMessage,
    callbackMethod: SignedMethod,
    steps: DeliveryStep[] = deliveryStepsFor(message.dst, message.type),
  ): void {
    const target = message.url === null ? null : { url: message.url, method: callbackMethod };
    this.#runs.start(`delivery of ${message.uuid}`, (signal) => this.#play(message, target, steps, signal));
  }

  /**
   * Stops every lifecycle in progress: no status change or callback happens after this call returns
   * (the abort is synchronous); the promise settles once in-flight callbacks have been torn down.
   */
  cancelAll(): Promise<void> {
    return this.#runs.cancelAll();
  }

  close(): Promise<void> {
    return this.#runs.close();
  }

  async #play(
    message: SandboxMessage,
    target: CallbackTarget | null,
    steps: DeliveryStep[],
    signal: AbortSignal,
  ): Promise<void> {
    for (const [index, step] of steps.entries()) {
      if (index > 0) await sleep(this.#options.stepDelayMs, undefined, { signal });
      signal.throwIfAborted();
      this.#options.onStatus(message.uuid, step.status);
      if (target) await this.#notify(message, target, step, index + 1, signal);
    }
  }

  async #notify(
    message: SandboxMessage,
    target: CallbackTarget,
    step: DeliveryStep,
    sequence: number,
    signal: AbortSignal,
  ): Promise<void> {
    const params = statusCallbackParams(message, step, sequence, new Date());
    const callback = buildSignedCallback(this.#options.authToken, target, params);
    // Like Plivo, a receiver that is down does not stop the message's lifecycle.
    await deliverWebhook(callback, signal, {
      label: `status callback ${step.status} for ${message.uuid} to ${target.url}`,
      log: this.#options.log,
    });
  }
}
