import type { Channel } from '../channel.ts';
import type { RandomSource } from '../ports.ts';
import { createSealedBox } from '../sealed-box.ts';

/** What a message's delivery report needs to become `delivery.updated`: whose message it was. */
export interface EventContext {
  verificationId: string;
  appId: string;
  channel: Channel;
  /** The masked number. */
  to: string;
}

export interface EventContexts {
  seal(context: EventContext): Promise<string>;
  open(sealed: string): Promise<EventContext | undefined>;
}

/**
 * Sealed (AES-256-GCM, HKDF info `event-context`, ../sealed-box.ts) into the message's delivery
 * record, like the fallback ticket: the store never holds a verification id in clear.
 */
export function createEventContexts(secret: string, random: RandomSource): EventContexts {
  const box = createSealedBox(secret, 'event-context', random, 1024);
  return {
    seal: (context) =>
      box.seal(JSON.stringify([context.verificationId, context.appId, context.channel, context.to]), ''),
    async open(sealed) {
      const plain = await box.open(sealed, '');
      if (plain === undefined) return undefined;
      const [verificationId, appId, channel, to] = JSON.parse(plain) as [string, string, Channel, string];
      return { verificationId, appId, channel, to };
    },
  };
}
