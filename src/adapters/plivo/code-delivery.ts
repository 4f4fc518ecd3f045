import type { Channel } from '../../otp/channel.ts';
import type { CodeDelivery } from '../../otp/ports.ts';
import type { PlivoMessageSender } from './message-sender.ts';

/**
 * Every channel through Plivo: SMS and WhatsApp through the Message API. A channel without its
 * settings is not offered, and the use case refuses it before anything is stored.
 */
export function createPlivoCodeDelivery(
  messages: PlivoMessageSender,
  offered: ReadonlySet<Channel>,
): CodeDelivery {
  return {
    offers: (channel) => offered.has(channel),
    async deliver(dispatch) {
      switch (dispatch.channel) {
        case 'sms':
        case 'whatsapp':
          return messages.send(dispatch);
        case 'voice':
          throw new Error('voice is not offered');
      }
    },
  };
}
