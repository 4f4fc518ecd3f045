import { maskPhone } from '../../phone/mask-phone.ts';
import type { Channel } from '../channel.ts';
import type { EventSink, RandomSource } from '../ports.ts';
import { emitEvent } from './emit-event.ts';
import { eventIdFor } from './event-id.ts';

interface SwitchedVerification {
  verificationId: string;
  e164: string;
  country: string;
  channel: Channel;
  previousChannel: Channel;
  by: 'user' | 'service';
  nowMs: number;
  ttlSeconds: number;
}

/**
 * `verification.channel_switched`, and a new expiry watch: the fresh code has a fresh lifetime,
 * and the first watch, which fires at the old expiry, finds the verification unexpired and says
 * nothing. Both watches carry the same event id, so a verification expires at most once.
 */
export async function announceSwitch(
  switched: SwitchedVerification,
  deps: { events: EventSink; random: RandomSource },
): Promise<void> {
  if (!deps.events.enabled) return;
  const expiresAtMs = switched.nowMs + switched.ttlSeconds * 1000;
  const data = {
    verificationId: switched.verificationId,
    channel: switched.channel,
    to: maskPhone(switched.e164),
    country: switched.country,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
  await emitEvent(
    deps.events,
    'verification.channel_switched',
    { ...data, previousChannel: switched.previousChannel, by: switched.by },
    { nowMs: switched.nowMs, random: deps.random },
  );
  deps.events.watchExpiry({
    eventId: await eventIdFor('verification.expired', switched.verificationId),
    verificationId: switched.verificationId,
    expiresAtMs,
    data: { ...data, app: deps.events.appId },
  });
}
