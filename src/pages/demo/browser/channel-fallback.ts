import { type Channel, isChannel } from '../../../otp/channel.ts';
import type { createCountdowns } from './countdowns.ts';

type Countdowns = ReturnType<typeof createCountdowns>;

export interface ChannelFallback {
  /** Shows a button for every channel but `current`, usable once `seconds` have passed. */
  offer(current: Channel, seconds: number): void;
  /** The first channel the page offers instead of `current`: "SMS failed: ask for a call". */
  alternativeTo(current: Channel): Channel | undefined;
  /** Every button disabled while a switch is under way. */
  hold(): void;
  hide(): void;
}

/**
 * "Didn't get it? Call me instead": the `[data-switch-to]` buttons the server rendered, one per
 * channel the deployment offers (src/pages/demo/channel-controls.ts). The API refuses a switch
 * before OTP_FALLBACK_DELAY_SECONDS (429 fallback_too_soon), so until then the buttons wait and
 * `#switch-wait` counts down.
 */
export function createChannelFallback(
  root: HTMLElement,
  countdowns: Countdowns,
  onSwitch: (channel: Channel, button: HTMLButtonElement) => void,
): ChannelFallback {
  const buttons = [...root.querySelectorAll<HTMLButtonElement>('button[data-switch-to]')].flatMap(
    (button) => {
      const channel = button.dataset.switchTo ?? '';
      return isChannel(channel) ? [{ button, channel }] : [];
    },
  );
  const wait = root.querySelector<HTMLElement>('#switch-wait');
  const offered = () => buttons.filter(({ button }) => !button.hidden);
  const setWaiting = (text: string) => {
    if (!wait) return;
    wait.textContent = text;
    wait.hidden = text === '';
  };

  for (const { button, channel } of buttons)
    button.addEventListener('click', () => onSwitch(channel, button));

  return {
    offer(current, seconds) {
      for (const { button, channel } of buttons) {
        button.hidden = channel === current;
        button.disabled = true;
      }
      if (offered().length === 0) return;
      countdowns.start(
        'switch',
        seconds,
        (left) => setWaiting(`You can ask for it another way in ${left} s.`),
        () => {
          setWaiting('');
          for (const { button } of offered()) button.disabled = false;
        },
      );
    },
    alternativeTo(current) {
      return buttons.find(({ channel }) => channel !== current)?.channel;
    },
    hold() {
      for (const { button } of buttons) button.disabled = true;
    },
    hide() {
      countdowns.stop('switch');
      setWaiting('');
      for (const { button } of buttons) button.hidden = true;
    },
  };
}
