import { DEFAULT_APP_ID } from './app-id.ts';
import type { FallbackTickets } from './fallback-ticket.ts';
import type { PendingFallback } from './ports.ts';
import { type ReissueCodeOutcome, reissueCode } from './reissue-code.ts';
import type { SwitchChannelDeps } from './switch-channel.ts';
import { openVerificationRef } from './verification-ref.ts';

export type FallBackToVoiceDeps = SwitchChannelDeps & {
  fallbackTickets: FallbackTickets;
  /** The same deps for another app of the deployment (its code length, name, senders); undefined: no such app. */
  forApp(app: string): FallBackToVoiceDeps | undefined;
};

export type FallBackToVoiceOutcome = ReissueCodeOutcome | { kind: 'channel_unavailable' };

/**
 * `auto`: the provider reported the SMS failed, so the service calls the number with a fresh code
 * on the same verification by itself (./reissue-code.ts), without the user's fallback delay: the
 * SMS is known to be lost. The call counts against the network that requested the verification
 * (in the ticket), never against the provider's callback, and it takes the ticket in the same
 * script that admits it, so it happens once.
 */
export async function fallBackToVoice(
  pending: PendingFallback,
  callbackDeps: FallBackToVoiceDeps,
): Promise<FallBackToVoiceOutcome> {
  const ticket = await callbackDeps.fallbackTickets.open(pending.ticket);
  // Sealed under another OTP_SECRET (rotated since): the id cannot be recovered, so no call.
  if (!ticket) return { kind: 'not_found' };
  // The provider's report belongs to no app: the verification's own app's settings make the call.
  const ref = await openVerificationRef(
    ticket.verificationId,
    callbackDeps.verificationIds,
    callbackDeps.hasher,
    'any',
  );
  const deps = ref && callbackDeps.forApp(ref.app ?? DEFAULT_APP_ID);
  // An app removed from APPS since the request: nothing of it is called any more.
  if (!ref || !deps) return { kind: 'not_found' };
  // Voice settings removed since the request: the verification stays an SMS one.
  if (!deps.delivery.offers('voice')) return { kind: 'channel_unavailable' };
  const binding = await deps.bindingSeal.open(ticket.verificationId, pending.sealedBinding);
  // A ticket that is not this record's (its binding is sealed to its own id) calls no one.
  if (!binding) return { kind: 'not_found' };
  deps.log.subject(ref.country, binding.e164);
  return reissueCode(
    { verificationId: ticket.verificationId, ref, binding, networkTag: ticket.networkTag },
    'voice',
    { by: 'service' },
    // Nobody is there to solve a challenge; the call meets the plain cells like any send.
    { kind: 'none' },
    deps,
  );
}
