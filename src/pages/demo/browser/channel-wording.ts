import type { Channel } from '../../../otp/channel.ts';

const COMING: Record<Channel, string> = { sms: 'by SMS', voice: 'by call', whatsapp: 'on WhatsApp' };

const DID_NOT_ARRIVE: Record<Channel, string> = {
  sms: 'Your SMS could not be delivered',
  voice: 'Our call did not reach you',
  whatsapp: 'Your WhatsApp message could not be delivered',
};

const ON_ITS_WAY: Record<Channel, string> = {
  sms: 'we are sending the code by SMS now',
  voice: 'we are calling you now',
  whatsapp: 'we are sending the code on WhatsApp now',
};

/** Right after POST /otp/request answered. */
export function sentSentence(channel: Channel, phone: string, expiresIn: string): string {
  switch (channel) {
    case 'sms':
      return `We sent a code to ${phone}. It expires in ${expiresIn}.`;
    case 'voice':
      return `We are calling ${phone} to read you a code. It expires in ${expiresIn}.`;
    case 'whatsapp':
      return `We sent a code to ${phone} on WhatsApp. It expires in ${expiresIn}.`;
  }
}

/** After the visitor asked for the code another way: the switch made a new code and killed the old one. */
export function switchedSentence(channel: Channel): string {
  return `A new code is coming ${COMING[channel]} now. The previous code no longer works.`;
}

/** When the service itself moved the code to another channel (e.g. a call after a failed SMS). */
export function automaticSwitchSentence(from: Channel, to: Channel): string {
  return `${DID_NOT_ARRIVE[from]}; ${ON_ITS_WAY[to]}.`;
}
