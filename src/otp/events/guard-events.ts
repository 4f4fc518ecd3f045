import { maskPhone } from '../../phone/mask-phone.ts';
import type { Channel } from '../channel.ts';
import type { AdmissionOutcome, Clock, EventSink, RandomSource, ReissueOutcome } from '../ports.ts';
import { emitEvent } from './emit-event.ts';

/**
 * `guard.challenged` when a refusal by the guard's cells was answered with a challenge,
 * `guard.refused` when they refused outright. Plain per-number and per-network limits are not
 * the guard and emit nothing: they answer 429 to one caller and tell a backend nothing new.
 */
export async function reportGuardOutcome(
  admission: AdmissionOutcome | ReissueOutcome,
  challenged: boolean,
  about: { e164: string; country: string; channel: Channel; verificationId?: string | undefined },
  deps: { events: EventSink; clock: Clock; random: RandomSource },
): Promise<void> {
  if (admission.kind !== 'rate_limited' || !admission.byGuard) return;
  await emitEvent(
    deps.events,
    challenged ? 'guard.challenged' : 'guard.refused',
    {
      verificationId: about.verificationId,
      channel: about.channel,
      to: maskPhone(about.e164),
      country: about.country,
      scope: admission.scope,
    },
    { nowMs: deps.clock.nowMs(), random: deps.random },
  );
}
