import { maskPhone } from '../../phone/mask-phone.ts';
import type { Channel } from '../channel.ts';
import type { EventSink, RandomSource, SentMessageLog } from '../ports.ts';
import { emitEvent } from './emit-event.ts';
import type { EventContexts } from './event-context.ts';
import { eventIdFor } from './event-id.ts';

interface SentVerification {
  verificationId: string;
  e164: string;
  country: string;
  channel: Channel;
  nowMs: number;
  ttlSeconds: number;
}

/**
 * `verification.sent`, and the watch that will say `verification.expired` if the code runs out
 * unused. Both go to the queue after the response.
 */
export async function announceSent(
  sent: SentVerification,
  deps: { events: EventSink; random: RandomSource },
): Promise<void> {
  if (!deps.events.enabled) return;
  const expiresAtMs = sent.nowMs + sent.ttlSeconds * 1000;
  const data = {
    verificationId: sent.verificationId,
    channel: sent.channel,
    to: maskPhone(sent.e164),
    country: sent.country,
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
  await emitEvent(deps.events, 'verification.sent', data, {
    nowMs: sent.nowMs,
    random: deps.random,
    subject: sent.verificationId,
  });
  deps.events.watchExpiry({
    eventId: await eventIdFor('verification.expired', sent.verificationId),
    verificationId: sent.verificationId,
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
