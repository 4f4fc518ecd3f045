import type { Clock, CodeDelivery, CodeDispatch, IssuedSend, SentMessageLog } from './ports.ts';

export interface SendIssuedCodeDeps {
  delivery: CodeDelivery;
  sentMessages: SentMessageLog | undefined;
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
  tracking: { verificationTag: string; country: string; eventContext?: string | undefined },
  deps: SendIssuedCodeDeps,
): Promise<IssuedCodeSent> {
  const result = await deps.delivery.deliver(dispatch);
  switch (result.kind) {
    case 'accepted':
      if (result.messageId !== undefined) {
        deps.sentMessages?.remember({
          messageId: result.messageId,
          ...tracking,
          sentAtMs: deps.clock.nowMs(),
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
