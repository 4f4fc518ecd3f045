import type { Channel } from '../../otp/channel.ts';
import type { CodeProvider } from '../../otp/code-provider.ts';
import type { PlivoCallPlacer } from './call-placer.ts';
import type { PlivoMessageSender } from './message-sender.ts';

/**
 * Every channel through Plivo: SMS and WhatsApp through the Message API, voice through the Call
 * API. A channel without its settings is not offered, and the use case refuses it before anything
 * is stored.
 */
export function createPlivoCodeDelivery(
  messages: PlivoMessageSender,
  calls: PlivoCallPlacer | undefined,
  whatsApp: boolean,
): CodeProvider {
  const offered = new Set<Channel>(['sms']);
  if (whatsApp) offered.add('whatsapp');
  if (calls) offered.add('voice');
  return {
    id: 'plivo',
    offers: (channel) => offered.has(channel),
    async deliver(dispatch) {
      switch (dispatch.channel) {
        case 'sms':
        case 'whatsapp':
          return messages.send(dispatch);
        case 'voice':
          if (!calls) throw new Error('voice is not offered');
          return calls.place(dispatch);
      }
    },
  };
}
