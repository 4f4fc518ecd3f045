import { type Channel, isChannel } from '../../../otp/channel.ts';

/**
 * What the visitor asked for: the `channel` sent to POST /otp/request and the channels its codes go
 * out on, in order (the server renders them as `data-channels`, src/pages/demo/channel-choices.ts).
 */
export interface ChannelPlan {
  value: string;
  channels: readonly [Channel, ...Channel[]];
}

/** The request form's choice: its checked radio, or its hidden input when there is one way only. */
export function chosenPlan(form: HTMLFormElement): ChannelPlan {
  const input = form.querySelector<HTMLInputElement>(
    'input[name="channel"]:checked, input[name="channel"][type="hidden"]',
  );
  const [first, ...rest] = (input?.dataset.channels ?? '').split(' ').filter(isChannel);
  if (!input || !first) throw new Error('demo page: the request form has no channel');
  return { value: input.value, channels: [first, ...rest] };
}

/** After "Call me instead" and the like, codes go out on that one channel. */
export function onlyOver(channel: Channel): ChannelPlan {
  return { value: channel, channels: [channel] };
}
