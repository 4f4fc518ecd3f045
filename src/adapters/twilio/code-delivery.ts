import type { Channel } from '../../otp/channel.ts';
import type { CodeProvider } from '../../otp/code-provider.ts';
import type { CodeDispatch, DeliveryResult } from '../../otp/ports.ts';

type Sender<C extends Channel> = (dispatch: Extract<CodeDispatch, { channel: C }>) => Promise<DeliveryResult>;

/**
 * Twilio as a provider of routes: SMS through Programmable Messaging when a sender is set, voice
 * through the Calls API when TWILIO_VOICE_FROM is. No WhatsApp here (its templates are Plivo's).
 */
export function createTwilioCodeDelivery(
  sms: Sender<'sms'> | undefined,
  voice: Sender<'voice'> | undefined,
): CodeProvider {
  return {
    id: 'twilio',
    offers: (channel) => (channel === 'sms' ? sms !== undefined : channel === 'voice' && voice !== undefined),
    async deliver(dispatch) {
      if (dispatch.channel === 'sms' && sms) return sms(dispatch);
      if (dispatch.channel === 'voice' && voice) return voice(dispatch);
      throw new Error(`twilio does not offer ${dispatch.channel}`);
    },
  };
}
