import { html, raw } from 'hono/html';
import { DEMO_SCRIPT } from './demo-script.ts';
import { DEMO_STYLE } from './demo-style.ts';

/** Cloudflare's widget loader; rendered explicitly once our script has defined the callback. */
export const TURNSTILE_SCRIPT_URL =
  'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit&onload=otpDemoTurnstileReady';
export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';

export interface DemoPageOptions {
  appName: string;
  /** Digits per code: the code field's maxlength and pattern. */
  otpLength: number;
  /** Per response; the inline style and script carry it. */
  nonce: string;
  /** Only when the bot check is configured: the page then loads Cloudflare's widget. */
  turnstile: { siteKey: string; action: string } | undefined;
  /** Link to the API reference when /docs is served. */
  docsPath: string | undefined;
}

/**
 * The demo: phone number → SMS → code → receipt, as a customer's page would do it. Every dynamic
 * value goes through hono/html's escaping; the script reads them back from `data-*` attributes.
 */
export function renderDemoPage(options: DemoPageOptions) {
  const { appName, otpLength, nonce, turnstile, docsPath } = options;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${appName}: verify your phone</title>
    <style nonce="${nonce}">${raw(DEMO_STYLE)}</style>
  </head>
  <body>
    <main
      id="demo"
      data-otp-length="${otpLength}"
      data-turnstile-site-key="${turnstile?.siteKey ?? ''}"
      data-turnstile-action="${turnstile?.action ?? ''}"
    >
      <h1>${appName}</h1>
      <p class="lead">Verify your phone number with a one-time code by SMS.</p>
      <noscript><p>This demo needs JavaScript.</p></noscript>

      <form id="request-form" novalidate>
        <label for="phone">Phone number</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" maxlength="40"
          placeholder="+1 415 555 2671" required />
        <p class="hint">International format: + and the country code.</p>
        <button id="send" class="primary" type="submit">Send code</button>
      </form>

      <form id="verify-form" hidden>
        <p class="sent-to">
          Code sent to <strong id="sent-to"></strong>.
          <button id="change-number" class="link" type="button">Change number</button>
        </p>
        <label for="code">${otpLength}-digit code</label>
        <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"
          pattern="[0-9]{${otpLength}}" maxlength="${otpLength}" required />
        <button id="verify" class="primary" type="submit">Verify</button>
        <div class="row">
          <span class="hint">Did not get it?</span>
          <button id="resend" class="secondary" type="button" disabled>Resend code</button>
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
    <script nonce="${nonce}">${raw(DEMO_SCRIPT)}</script>
    ${turnstile ? html`<script nonce="${nonce}" src="${TURNSTILE_SCRIPT_URL}" async defer></script>` : ''}
  </body>
</html>`;
}
