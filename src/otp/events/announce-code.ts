import { maskPhone } from '../../phone/mask-phone.ts';
import type { Channel } from '../channel.ts';
import type { EventSink, RandomSource, SentMessageLog } from '../ports.ts';
import { emitEvent } from './emit-event.ts';
import type { EventContexts } from './event-context.ts';
import { eventIdFor } from './event-id.ts';

interface CodeOut {
  verificationId: string;
  e164: string;
  country: string;
  channel: Channel;
  nowMs: number;
  ttlSeconds: number;
  /** A channel switch: the channel the previous code went out on, and who asked (`user`, or `service` for `auto`). */
  switched?: { previousChannel: Channel; by: 'user' | 'service' } | undefined;
}

/**
 * `verification.sent` for a first code, `verification.channel_switched` for a switch's, and in both
 * cases a watch that says `verification.expired` if the code runs out unused. A switch's fresh code
 * has a fresh lifetime: the first watch then finds the verification unexpired and says nothing,
 * and both watches carry the same event id, so a verification expires at most once. All of it goes
 * to the queue after the response.
 */
export async function announceCode(
  code: CodeOut,
  deps: { events: EventSink; random: RandomSource },
): Promise<void> {
  if (!deps.events.enabled) return;
  const expiresAtMs = code.nowMs + code.ttlSeconds * 1000;
  const data = {
    verificationId: code.verificationId,
    channel: code.channel,
    to: maskPhone(code.e164),
    country: code.country,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
  await emitEvent(
    deps.events,
    code.switched ? 'verification.channel_switched' : 'verification.sent',
    { ...data, ...code.switched },
    // A first code is sent once per verification: its id is derived. Switches may repeat.
    { nowMs: code.nowMs, random: deps.random, subject: code.switched ? undefined : code.verificationId },
  );
  deps.events.watchExpiry({
    eventId: await eventIdFor('verification.expired', code.verificationId),
    verificationId: code.verificationId,
    expiresAtMs,
    data: { ...data, app: deps.events.appId },
  });
}

/** The sealed context a message's delivery report turns into `delivery.updated`; none when events are off. */
export async function eventContextFor(
  verificationId: string,
  e164: string,
  channel: Channel,
  deps: { events: EventSink; eventContexts: EventContexts; sentMessages: SentMessageLog | undefined },
): Promise<string | undefined> {
  if (!deps.events.enabled || deps.sentMessages === undefined) return undefined;
  return deps.eventContexts.seal({ verificationId, appId: deps.events.appId, channel, to: maskPhone(e164) });
}
