import { hourBucket } from '../stats/hour-bucket.ts';
import type { FailoverLog } from './code-provider.ts';
import type {
  Clock,
  CodeDelivery,
  CodeDispatch,
  IssuedSend,
  ProviderAnswer,
  ProviderAttempt,
  ProviderHealthLog,
  SentMessageLog,
} from './ports.ts';
import type { ProviderId } from './provider-id.ts';

export interface SendIssuedCodeDeps {
  delivery: CodeDelivery;
  sentMessages: SentMessageLog | undefined;
  /** The providers' breakers, for a send no provider accepted (./routing/order-route.ts). */
  providerHealth: ProviderHealthLog;
  /** Counts sends that went on to another provider (after the response). */
  failovers: FailoverLog;
  clock: Clock;
}

/** What became of a code already admitted and stored: a first request's and a switch's alike. */
export type IssuedCodeSent =
  | { kind: 'accepted' }
  | { kind: 'sms_failed'; providerStatus: number }
  | { kind: 'sms_uncertain' };

/**
 * Sends a code the store already holds (store first, then send: a message never carries a code
 * the store does not know) and settles the store with the provider's answer. Accepted: the
 * message is tracked for its delivery reports, after the send, so the round trips before it stay
 * as they are. Refused for good: nobody received this code, so it must not stay valid, and the
 * send it counted everywhere did not happen (`revoke`). Uncertain: it may have gone out, so the
 * code is kept and nothing is retried (a second message would carry a second code and void the
 * first); the caller says when to try again.
 */
export async function sendIssuedCode(
  dispatch: CodeDispatch,
  issued: IssuedSend,
  tracking: {
    verificationTag: string;
    country: string;
    region: string | undefined;
    eventContext?: string | undefined;
  },
  deps: SendIssuedCodeDeps,
  /** The providers to try, in order (./routing/order-route.ts); default: the route as configured. */
  order?: readonly ProviderId[],
): Promise<IssuedCodeSent> {
  // Along the country's route: a provider that refuses the destination or cannot answer is
  // followed by the next one, with this same code (./deliver-along-route.ts).
  const { result, provider, attempts } = await deps.delivery.deliver(dispatch, tracking.country, order);
  const answers = attempts.map(breakerAnswer);
  const nowMs = deps.clock.nowMs();
  const tracked = result.kind === 'accepted' && result.messageId !== undefined && provider !== undefined;
  // The answers ride with the tracking when there is one (no extra round trip); else they go
  // alone, after the response, only when a provider failed: an untracked send that went well
  // (a call, a deployment without delivery reports) costs no round trip for its breaker.
  const failover =
    attempts.length > 1 ? { country: tracking.country, attempts, hourBucket: hourBucket(nowMs) } : undefined;
  if ((!tracked || deps.sentMessages === undefined) && answers.some((answer) => !answer.ok)) {
    // One step after the response for both: the breakers and, if any, the failover.
    deps.providerHealth.note(answers, nowMs, failover, tracking.region);
  } else if (failover) {
    deps.failovers.count(failover.country, failover.attempts, failover.hourBucket, tracking.region);
  }
  switch (result.kind) {
    case 'accepted':
      if (result.messageId !== undefined && provider !== undefined) {
        deps.sentMessages?.remember({
          messageId: result.messageId,
          provider,
          channel: dispatch.channel,
          answers,
          ...tracking,
          sentAtMs: nowMs,
        });
      }
      return { kind: 'accepted' };
    case 'rejected':
      await issued.revoke();
      return { kind: 'sms_failed', providerStatus: result.status };
    case 'uncertain':
      return { kind: 'sms_uncertain' };
  }
}

/** A breaker counts what says the provider is down: a timeout, a network error, a 5xx. */
function breakerAnswer(attempt: ProviderAttempt): ProviderAnswer {
  const { result } = attempt;
  return {
    provider: attempt.provider,
    ok: result.kind !== 'uncertain' || result.reason === 'throttled',
  };
}
