import type * as z from 'zod/mini';
import type { otpRequestBody } from '../../http/schemas.ts';
import { CHANNELS, type Channel } from '../../otp/channel.ts';

/** What `channel` on POST /otp/request accepts: the API's own type, so a value added there can be offered here. */
export type RequestChannel = z.output<typeof otpRequestBody>['channel'];

/** One way a visitor may ask for the code on the request form. */
export interface ChannelChoice {
  /** Sent as `channel` to POST /otp/request. */
  value: RequestChannel;
  label: string;
  /**
   * The channels the service sends this choice's codes over, in order: the first code goes out on
   * the first one; a later one is the service's own follow-up when the one before it failed. The
   * choice is offered only when the deployment offers every one of them.
   */
  channels: readonly [Channel, ...Channel[]];
}

/**
 * The request form's choices, in the order shown; the first is preselected, so it must be SMS, the
 * channel every deployment has and the API's default. A new way to ask is one entry here.
 */
export const CHANNEL_CHOICES: readonly ChannelChoice[] = [
  { value: 'sms', label: 'SMS', channels: ['sms'] },
  { value: 'voice', label: 'Phone call', channels: ['voice'] },
  { value: 'whatsapp', label: 'WhatsApp', channels: ['whatsapp'] },
  { value: 'auto', label: 'SMS, then a call if it fails', channels: ['sms', 'voice'] },
];

/** "Didn't get it?": the button that asks for a new code over this channel (POST /otp/verifications/{id}/channel). */
export const SWITCH_LABELS: Readonly<Record<Channel, string>> = {
  voice: 'Call me instead',
  whatsapp: 'Send it on WhatsApp instead',
  sms: 'Text it to me instead',
};

/** Whether this deployment can send codes over a channel: the Worker's own rule, `CodeDelivery.offers`. */
export type ChannelOffer = (channel: Channel) => boolean;

/** The choices whose every channel the deployment offers. */
export function offeredChoices(offers: ChannelOffer): ChannelChoice[] {
  return CHANNEL_CHOICES.filter((choice) => choice.channels.every((channel) => offers(channel)));
}

/** The channels a code can be switched to, before the page knows which one the code went out on. */
export function offeredSwitches(offers: ChannelOffer): Channel[] {
  return CHANNELS.filter((channel) => offers(channel));
}
