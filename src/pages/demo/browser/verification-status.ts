import type { Channel } from '../../../otp/channel.ts';
import { type AfterFailure, type DeliveryOutcome, deliveryLine, deliveryOutcome } from './delivery-status.ts';
import { plural } from './wording.ts';

/** What the page reads from GET /otp/verifications/{id}. */
export interface VerificationState {
  status: 'pending' | 'approved' | 'canceled' | 'expired' | 'max_attempts_reached';
  attemptsRemaining: number;
  /** The channel the current code went out on; it changes when the service switches by itself. */
  channel: Channel;
  delivery: { status: string } | null;
}

export interface StatusLines {
  /**
   * "Status: pending · 4 attempts left" and the current code's delivery ("SMS delivered"), which
   * went out on `channel`. Answers the delivery's outcome, undefined until a report arrived.
   */
  show(state: VerificationState, channel: Channel, after: AfterFailure): DeliveryOutcome | undefined;
  /** A new code went out: the previous message's delivery no longer matters. */
  clearDelivery(): void;
  hide(): void;
}

/** The verification's two lines on the verify step; the delivery line is an aria-live region. */
export function createStatusLines(statusLine: HTMLElement, deliveryStatus: HTMLElement): StatusLines {
  // Written only when it changes: a live region re-announces every write.
  const showDelivery = (text: string, outcome: DeliveryOutcome | undefined) => {
    if (deliveryStatus.textContent !== text) deliveryStatus.textContent = text;
    if (outcome) deliveryStatus.dataset.outcome = outcome;
    else delete deliveryStatus.dataset.outcome;
    deliveryStatus.hidden = text === '';
  };
  return {
    show({ status, attemptsRemaining, delivery }, channel, after) {
      const parts = [
        `Status: ${status === 'max_attempts_reached' ? 'code used up, request a new one' : status}`,
      ];
      if (status === 'pending') parts.push(`${plural(attemptsRemaining, 'attempt', 'attempts')} left`);
      statusLine.textContent = parts.join(' · ');
      statusLine.dataset.status = status;
      statusLine.hidden = false;
      if (status !== 'pending' || !delivery) {
        showDelivery('', undefined);
        return undefined;
      }
      const outcome = deliveryOutcome(delivery.status);
      showDelivery(deliveryLine(channel, delivery.status, after), outcome);
      return outcome;
    },
    clearDelivery() {
      showDelivery('', undefined);
    },
    hide() {
      statusLine.hidden = true;
      showDelivery('', undefined);
    },
  };
}
