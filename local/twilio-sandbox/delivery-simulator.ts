// Plays each accepted message through its scripted lifecycle (scripted-numbers.ts): updates the
// stored status step by step and, when the send named a StatusCallback, POSTs one signed callback
// per step. Twilio POSTs the changes to queued, sent, delivered, undelivered and failed (the
// StatusCallback parameter of https://www.twilio.com/docs/messaging/api/message-resource), with
// MessageSid, MessageStatus, ErrorCode on failed and undelivered, and RawDlrDoneDate (YYMMDDhhmm)
// on delivered and undelivered (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
// Twilio does not promise the callbacks arrive in order; the sandbox sends them one at a time, in
// order, so a test can count on the sequence it scripted.

import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundRuns } from '../support/background-runs.ts';
import { deliverWebhook } from '../support/webhook-request.ts';
import type { MessageStatus, SandboxMessage } from './messages.ts';
import { API_VERSION } from './resource-ids.ts';
import { type DeliveryStep, deliveryStepsFor } from './scripted-numbers.ts';
import type { WebhookParam } from './signature.ts';
import { buildSignedWebhook } from './webhooks.ts';

export interface DeliverySimulatorOptions {
  accountSid: string;
  authToken: string;
  /** Gap between two steps of one message. */
  stepDelayMs: number;
  onStatus: (sid: string, change: Partial<SandboxMessage>) => void;
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
  start(message: SandboxMessage, steps: DeliveryStep[] = deliveryStepsFor(message.to)): void {
    this.#runs.start(`delivery of ${message.sid}`, (signal) => this.#play(message, steps, signal));
  }

  /** Nothing more happens once this returns; the promise settles when in-flight callbacks are torn down. */
  cancelAll(): Promise<void> {
    return this.#runs.cancelAll();
  }

  close(): Promise<void> {
    return this.#runs.close();
  }

  async #play(message: SandboxMessage, steps: DeliveryStep[], signal: AbortSignal): Promise<void> {
    for (const [index, step] of steps.entries()) {
      // The first step (queued) is where the API answer left the message, or one step on from accepted.
      if (index > 0 || message.status === 'accepted') {
        await sleep(this.#options.stepDelayMs, undefined, { signal });
      }
      signal.throwIfAborted();
      const at = new Date();
      this.#options.onStatus(message.sid, changeFor(step, at));
      if (message.statusCallback !== null)
        await this.#notify(message, message.statusCallback, step, at, signal);
    }
  }

  async #notify(
    message: SandboxMessage,
    url: string,
    step: DeliveryStep,
    at: Date,
    signal: AbortSignal,
  ): Promise<void> {
    const webhook = buildSignedWebhook(
      this.#options.authToken,
      { url, method: 'POST' },
      statusCallbackParams(this.#options.accountSid, message, step, at),
    );
    // As with Twilio, a receiver that is down does not stop the message.
    await deliverWebhook(webhook, signal, {
      label: `status callback ${step.status} for ${message.sid} to ${url}`,
      log: this.#options.log,
    });
  }
}

function changeFor(step: DeliveryStep, at: Date): Partial<SandboxMessage> {
  const change: Partial<SandboxMessage> = {
    status: step.status satisfies MessageStatus,
    errorCode: step.errorCode,
    dateUpdated: at.toISOString(),
  };
  if (step.status === 'sent') change.dateSent = at.toISOString();
  return change;
}

export function statusCallbackParams(
  accountSid: string,
  message: SandboxMessage,
  step: DeliveryStep,
  at: Date,
): WebhookParam[] {
  const params: WebhookParam[] = [
    ['AccountSid', accountSid],
    ['ApiVersion', API_VERSION],
    ['From', message.from],
    ['MessageSid', message.sid],
    ['MessageStatus', step.status],
    ['SmsSid', message.sid],
    ['SmsStatus', step.status],
    ['To', message.to],
  ];
  if (message.messagingServiceSid !== null) params.push(['MessagingServiceSid', message.messagingServiceSid]);
  if (step.errorCode !== null) params.push(['ErrorCode', String(step.errorCode)]);
  if (step.status === 'delivered' || step.status === 'undelivered')
    params.push(['RawDlrDoneDate', dlrDoneDate(at)]);
  return params;
}

/** YYMMDDhhmm in UTC, the carrier receipt's Done Date Twilio passes through. */
export function dlrDoneDate(at: Date): string {
  return at.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d).*$/, '$1$2$3$4$5');
}
