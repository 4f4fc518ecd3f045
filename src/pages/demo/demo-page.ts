import { html } from 'hono/html';
import { pageHead } from '../../http/html-page.ts';
import type { Channel } from '../../otp/channel.ts';
import type { ChannelChoice } from './channel-choices.ts';
import { renderChannelChoice, renderChannelSwitches } from './channel-controls.ts';

/** What the demo page loads from this origin's static assets (built by scripts/build-pages.ts). */
export const DEMO_ASSETS = { script: '/assets/demo.js', style: '/assets/demo.css' } as const;

/** Cloudflare's widget loader; rendered explicitly once our script has defined the callback. */
export const TURNSTILE_SCRIPT_URL =
  'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit&onload=otpDemoTurnstileReady';
export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';

export interface DemoPageOptions {
  appName: string;
  /** Digits per code: the code field's maxlength and pattern. */
  otpLength: number;
  /** Only when the bot check is configured: the page then loads Cloudflare's widget. */
  /** `mode`: `pressure` shows the widget only when the API answers `challenge_required`. */
  turnstile: { siteKey: string; action: string; mode: 'always' | 'pressure' } | undefined;
  /** Link to the API reference when /docs is served. */
  docsPath: string | undefined;
  /** Development only: the Plivo sandbox's inbox, where the SMS really goes. */
  sandboxInboxUrl: string | undefined;
  /** The ways to ask for a code that this deployment offers (`offeredChoices`); SMS first. */
  channelChoices: readonly ChannelChoice[];
  /** The channels a code may be switched to (`offeredSwitches`): "Call me instead" and the like. */
  switchChannels: readonly Channel[];
  /** OTP_FALLBACK_DELAY_SECONDS: how long after a code the page offers to send it another way. */
  fallbackDelaySeconds: number;
}

/**
 * The demo's HTML. Its settings reach the script (src/pages/demo/browser/demo.ts) as `data-*`
 * attributes, rendered here through hono/html's escaping: no second request for a config, and
 * the script stays a static asset that `script-src 'self'` allows as it is.
 */
export function renderDemoPage(options: DemoPageOptions) {
  const { appName, otpLength, turnstile, docsPath, sandboxInboxUrl, channelChoices, switchChannels } =
    options;
  // Every deployment sends SMS; a second channel is what makes the page offer a choice.
  const onlySms = switchChannels.length < 2;
  return html`<!doctype html>
<html lang="en">
  <head>
    ${pageHead(`${appName}: verify your phone`, DEMO_ASSETS.style)}
  </head>
  <body>
    <main
      id="demo"
      data-otp-length="${otpLength}"
      data-fallback-delay-seconds="${options.fallbackDelaySeconds}"
      data-turnstile-site-key="${turnstile?.siteKey ?? ''}"
      data-turnstile-action="${turnstile?.action ?? ''}"
      data-turnstile-mode="${turnstile?.mode ?? ''}"
    >
      <h1>${appName}</h1>
      <p class="lead">Verify your phone number with a one-time code${onlySms ? ' by SMS' : ''}.</p>
      <noscript><p>This demo needs JavaScript.</p></noscript>

      <form id="request-form" novalidate>
        <label for="phone">Phone number</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" maxlength="40"
          placeholder="+1 415 555 2671" required />
        <p class="hint">International format: + and the country code.</p>
        ${renderChannelChoice(channelChoices)}
        <button id="send" class="primary" type="submit">Send code</button>
      </form>

      <form id="verify-form" hidden>
        <p class="sent-to">
          Code sent to <strong id="sent-to"></strong>.
          <button id="change-number" class="link" type="button">Change number</button>
        </p>
        <p id="verification-status" class="hint" hidden></p>
        <p id="delivery-status" class="hint" role="status" aria-live="polite" hidden></p>
        ${
          sandboxInboxUrl
            ? html`<p id="sandbox-inbox" class="sandbox-note">
          Development: the SMS went to the Plivo sandbox, not to a phone${onlySms ? '' : ' (as do calls and WhatsApp messages)'}.
          Read the code in its inbox at <a href="${sandboxInboxUrl}" target="_blank" rel="noopener">${sandboxInboxUrl}</a>.
        </p>`
            : ''
        }
        <label for="code">${otpLength}-digit code</label>
        <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"
          pattern="[0-9]{${otpLength}}" maxlength="${otpLength}" required />
        <button id="verify" class="primary" type="submit">Verify</button>
        <div class="fallback">
          <p class="hint">Didn't get it?</p>
          <div class="actions">
            ${renderChannelSwitches(switchChannels)}
            <button id="resend" class="secondary" type="button" disabled>Resend code</button>
          </div>
          <p id="switch-wait" class="hint" hidden></p>
        </div>
      </form>

      <section id="approved" hidden>
        <div class="approved-badge">✓ Phone number verified</div>
        <h2>Receipt claims</h2>
        <dl id="claims"></dl>
        <details>
          <summary>Receipt (JWT)</summary>
          <code id="receipt-token"></code>
        </details>
        <button id="start-over" class="secondary" type="button">Verify another number</button>
      </section>

      ${turnstile ? html`<div id="turnstile"></div>` : ''}
      <p id="message" role="status" aria-live="polite" hidden></p>

      <footer>
        A demo of this API: the page calls <code>POST /otp/request</code> and <code>POST /otp/verify</code>
        like your app would.${docsPath ? html` <a href="${docsPath}">API reference</a>` : ''}
      </footer>
    </main>
    <script src="${DEMO_ASSETS.script}"></script>
    ${turnstile ? html`<script src="${TURNSTILE_SCRIPT_URL}" async defer></script>` : ''}
  </body>
</html>`;
}
