import { html } from 'hono/html';
import type { Channel } from '../../otp/channel.ts';
import { type ChannelChoice, SWITCH_LABELS } from './channel-choices.ts';

/**
 * The request form's `channel` input. With one choice there is nothing to ask, so it is a hidden
 * input; either way the script reads the value it sends and, from `data-channels`, which channels
 * the code goes out on (src/pages/demo/browser/channel-plan.ts).
 */
export function renderChannelChoice(choices: readonly ChannelChoice[]) {
  const [only, ...others] = choices;
  if (!only) throw new Error('demo page: no channel to offer');
  if (others.length === 0) {
    return html`<input type="hidden" name="channel" value="${only.value}" data-channels="${only.channels.join(' ')}" />`;
  }
  return html`<fieldset id="channel-choice" class="channel-choice">
          <legend>Send the code by</legend>
          ${choices.map(
            (choice, index) => html`<label class="choice">
            <input type="radio" name="channel" value="${choice.value}" data-channels="${choice.channels.join(' ')}"
              ${index === 0 ? html`checked` : ''} />
            ${choice.label}
          </label>`,
          )}
        </fieldset>`;
}

/**
 * One "… instead" button per channel the deployment offers (none when it offers only one), all
 * hidden: the script shows those the current code did not go out on, disabled until the fallback
 * delay is over, which `#switch-wait` counts down (src/pages/demo/browser/channel-fallback.ts).
 */
export function renderChannelSwitches(channels: readonly Channel[]) {
  // A single channel has no other way to ask.
  if (channels.length < 2) return '';
  return html`${channels.map(switchButton)}`;
}

function switchButton(channel: Channel) {
  return html`<button id="switch-${channel}" class="secondary" type="button" data-switch-to="${channel}"
              aria-describedby="switch-wait" hidden disabled>${SWITCH_LABELS[channel]}</button>`;
}
