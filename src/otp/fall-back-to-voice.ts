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

/** What the ticket asked for, for the log: `auto`'s call or the failover to another provider. */
export type FallbackBy = 'call' | 'failover';

/**
 * The provider reported the SMS failed, and the verification holds a fallback ticket, so the
 * service sends a fresh code on the same verification by itself (./reissue-code.ts), without the
 * user's fallback delay: the SMS is known to be lost. `auto` (ticket `voice`): a call. Otherwise
 * (ticket `provider`): a fresh SMS through the route's next provider, the one that failed left
 * out (docs/routing.md); a fresh code, so the conversion tells which route worked, and the old
 * code stops working. Either counts against the network that requested the verification (in the
 * ticket), never against the provider's callback, and takes the ticket in the same script that
 * admits it, so it happens once per verification: the new send's own failure finds no ticket.
 */
export async function fallBackToVoice(
  pending: PendingFallback,
  callbackDeps: FallBackToVoiceDeps,
): Promise<FallBackToVoiceOutcome & { by?: FallbackBy }> {
  const ticket = await callbackDeps.fallbackTickets.open(pending.ticket);
  // Sealed under another OTP_SECRET (rotated since): the id cannot be recovered, so no fallback.
  if (!ticket) return { kind: 'not_found' };
  // The provider's report belongs to no app: the verification's own app's settings make the send.
  const ref = await openVerificationRef(
    ticket.verificationId,
    callbackDeps.verificationIds,
    callbackDeps.hasher,
    'any',
  );
  const deps = ref && callbackDeps.forApp(ref.app ?? DEFAULT_APP_ID);
  // An app removed from APPS since the request: nothing of it is sent any more.
  if (!ref || !deps) return { kind: 'not_found' };
  // Voice settings removed since the request: the verification stays an SMS one.
  if (ticket.next === 'voice' && !deps.delivery.offers('voice')) return { kind: 'channel_unavailable' };
  const binding = await deps.bindingSeal.open(ticket.verificationId, pending.sealedBinding);
  // A ticket that is not this record's (its binding is sealed to its own id) sends nothing.
  if (!binding) return { kind: 'not_found' };
  deps.log.subject(ref.country, binding.e164);
  const verification = { verificationId: ticket.verificationId, ref, binding, networkTag: ticket.networkTag };
  // Nobody is there to solve a challenge; the new send meets the plain cells like any send.
  if (ticket.next === 'voice')
    return reissueCode(verification, 'voice', { by: 'service' }, { kind: 'none' }, deps);
  const outcome = await reissueCode(
    verification,
    binding.channel,
    { by: 'service', failover: true },
    { kind: 'none' },
    deps,
    pending.failedProvider,
  );
  return { ...outcome, by: 'failover' };
}
