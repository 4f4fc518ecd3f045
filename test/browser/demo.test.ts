import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTurnstileStandIn,
  TURNSTILE_TEST_SECRETS,
  type TurnstileStandIn,
} from '../../local/stand-ins/turnstile-siteverify.ts';
import { SOLVED_TOKEN_PREFIX } from '../../local/stand-ins/turnstile-tokens.ts';
import { launchChromium } from './support/chromium.ts';
import { watchCspViolations } from './support/csp-violations.ts';
import { type DevStack, latestSmsCode, startDevStack } from './support/dev-stack.ts';
import { uniqueUsNumber, watchPage } from './support/page-watch.ts';

const SCREENSHOT = 'test/artifacts/demo-approved.png';

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('demo page', () => {
  beforeAll(async () => {
    stack = await startDevStack({ APP_NAME: 'Acme Sign-in' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('takes a visitor from phone number to a verified receipt, explaining a wrong code on the way', async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 980 } });
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    expect(await page.title()).toBe('Acme Sign-in: verify your phone');
    // SMS is this deployment's only channel: nothing to choose, nothing to switch to.
    expect(await page.locator('#channel-choice').count()).toBe(0);
    expect(await page.locator('[data-switch-to]').count()).toBe(0);

    const phone = uniqueUsNumber();
    await page.fill('#phone', phone.typed);
    await page.click('#send');

    const codeField = page.locator('#code');
    await codeField.waitFor({ state: 'visible' });
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    expect(await codeField.getAttribute('maxlength')).toBe('6');
    expect(await codeField.getAttribute('pattern')).toBe('[0-9]{6}');
    expect(await page.textContent('#sent-to')).toBe(phone.typed);
    // The resend button counts down from the API's resendAfterSeconds (60 s by default).
    expect(await page.locator('#resend').isDisabled()).toBe(true);
    expect(await page.textContent('#resend')).toMatch(/^Resend code in (59|60) s$/);
    // In development the page says where the SMS really went.
    const inboxLink = page.locator('#sandbox-inbox a');
    expect(await inboxLink.isVisible()).toBe(true);
    expect(await inboxLink.getAttribute('href')).toBe(`${stack.sandboxUrl}/`);

    const code = await latestSmsCode(stack.sandboxUrl, phone.e164);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await codeField.fill(wrongCode);
    await page.click('#verify');
    await page.waitForFunction(() =>
      /attempts? left/.test(document.getElementById('message')?.textContent ?? ''),
    );
    expect(await page.textContent('#message')).toBe('That code is not correct. 4 attempts left.');
    expect(await page.getAttribute('#message', 'data-tone')).toBe('error');
    // The page shows the verification's status as the API reports it.
    await page.waitForFunction(() =>
      /^Status: pending · 4 attempts left/.test(
        document.getElementById('verification-status')?.textContent ?? '',
      ),
    );

    await codeField.fill(code);
    await page.click('#verify');
    await page.locator('#approved').waitFor({ state: 'visible' });
    expect(await page.textContent('[data-claim="sub"]')).toBe(phone.e164);
    expect(await page.textContent('[data-claim="iss"]')).toBe('https://otp.browser.test');
    expect(await page.textContent('[data-claim="exp"]')).toMatch(/\(\d{10}\)$/);
    expect(await page.textContent('[data-claim="iat"]')).toMatch(/\(\d{10}\)$/);
    expect(await page.isVisible('#verify-form')).toBe(false);

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Without Turnstile the page talks to nobody but its own origin, and nothing was blocked or broke:
    // its script and style are this origin's static assets, which `script-src 'self'` allows.
    expect(await cspViolations()).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    await page.close();
  });

  it("says how long to wait when a code was sent moments ago: another tab's verification is not this page's", async () => {
    const page = await browser.newPage();
    const phone = uniqueUsNumber();
    // Someone (another tab) already asked for a code for this number: its id stays there.
    const first = await fetch(`${stack.workerUrl}/otp/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: phone.e164 }),
    });
    expect(first.status).toBe(200);

    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    await page.fill('#phone', phone.e164);
    await page.click('#send');
    await page.waitForFunction(() => !document.getElementById('message')?.hidden);
    expect(await page.textContent('#message')).toContain('A code was sent to this number a moment ago');
    expect(await page.isVisible('#request-form')).toBe(true);
    await page.close();
  });

  it('"Change number" cancels the verification: its code no longer works', async () => {
    const page = await browser.newPage();
    const phone = uniqueUsNumber();
    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    await page.fill('#phone', phone.e164);
    const requested = page.waitForResponse((response) => response.url().endsWith('/otp/request'));
    await page.click('#send');
    const { verificationId } = (await (await requested).json()) as { verificationId: string };
    await page.waitForFunction(() =>
      /^Status: pending · 5 attempts left/.test(
        document.getElementById('verification-status')?.textContent ?? '',
      ),
    );

    const canceled = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await page.click('#change-number');
    expect((await canceled).status()).toBe(200);
    await page.locator('#phone').waitFor({ state: 'visible' });

    const status = await fetch(`${stack.workerUrl}/otp/verifications/${verificationId}`);
    expect(await status.json()).toMatchObject({ status: 'canceled' });
    const late = await fetch(`${stack.workerUrl}/otp/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verificationId, code: await latestSmsCode(stack.sandboxUrl, phone.e164) }),
    });
    expect(late.status).toBe(404);
    await page.close();
  });

  it('explains an invalid phone number in a sentence: what is wrong with it', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    await page.fill('#phone', '+1 000');
    await page.click('#send');
    await page.waitForFunction(() => !document.getElementById('message')?.hidden);
    expect(await page.textContent('#message')).toContain(
      'That phone number is too short for country code +1.',
    );
    expect(await page.isVisible('#request-form')).toBe(true);
    await page.close();
  });
});

/**
 * Stands in for Cloudflare's widget loader (this machine has no way to reach Cloudflare): renders
 * a box and "solves" at once, with tokens the local siteverify stand-in reports as solved on this
 * page's hostname for the widget's action, as Cloudflare's siteverify would.
 */
const FAKE_TURNSTILE_LOADER = `(() => {
  let count = 0;
  const widgets = {};
  const token = (options) => '${SOLVED_TOKEN_PREFIX}' + new URLSearchParams({
    hostname: location.hostname, action: options.action || '', id: 'fake-' + (++count) + '-' + Date.now(),
  });
  const solve = (id) => setTimeout(() => widgets[id].callback(token(widgets[id])), 10);
  window.turnstile = {
    render(selector, options) {
      const id = 'widget-' + Object.keys(widgets).length;
      widgets[id] = options;
      document.querySelector(selector).textContent = 'Fake Turnstile (' + options.sitekey + ', ' + options.action + ')';
      solve(id);
      return id;
    },
    reset(id) { solve(id); },
  };
  window[new URL(document.currentScript.src).searchParams.get('onload')]();
})();`;

describe('demo page with Turnstile configured', () => {
  let siteverify: TurnstileStandIn;
  beforeAll(async () => {
    siteverify = await startTurnstileStandIn();
    stack = await startDevStack(
      { TURNSTILE_SITE_KEY: '1x00000000000000000000AA', TURNSTILE_SITEVERIFY_URL: siteverify.url },
      { TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.alwaysPasses },
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await siteverify?.close();
  });

  it("renders Cloudflare's widget and sends its token with the code request", async () => {
    const page = await browser.newPage();
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    await page.route(
      (url) => url.origin === 'https://challenges.cloudflare.com',
      (route) => route.fulfill({ contentType: 'text/javascript', body: FAKE_TURNSTILE_LOADER }),
    );
    const bodies: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/otp/request')) bodies.push(request.postData() ?? '');
    });

    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    expect(await page.textContent('#turnstile')).toBe(
      'Fake Turnstile (1x00000000000000000000AA, otp-request)',
    );

    const phone = uniqueUsNumber();
    await page.fill('#phone', phone.e164);
    await page.click('#send');
    await page.locator('#code').waitFor({ state: 'visible' });
    expect(JSON.parse(bodies[0] ?? '{}')).toEqual({
      phone: phone.e164,
      channel: 'sms',
      turnstileToken: expect.stringMatching(
        /^stand-in:solved\?hostname=127\.0\.0\.1&action=otp-request&id=fake-1-/,
      ),
    });
    await latestSmsCode(stack.sandboxUrl, phone.e164);
    // The only outside request is the widget's loader, which the CSP lets through.
    expect(seen.foreignRequests).toEqual([
      expect.stringMatching(/^https:\/\/challenges\.cloudflare\.com\/turnstile\/v0\/api\.js\?/),
    ]);
    expect(await cspViolations()).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('demo page with Turnstile in pressure mode', () => {
  beforeAll(async () => {
    // A country base of 1 and no overdraft: the second code of a country meets the guard.
    stack = await startDevStack(
      {
        TURNSTILE_SITE_KEY: '1x00000000000000000000AA',
        TURNSTILE_MODE: 'pressure',
        FRAUD_GUARD_COUNTRY_BASE: '1',
        FRAUD_GUARD_OVERDRAFT: '0',
      },
      { TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.alwaysPasses },
      { turnstile: true },
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows no widget until the API asks for a challenge, then renders it and sends the same request again with its token', async () => {
    // Someone else's unverified code fills the country's budget.
    const earlier = await fetch(`${stack.workerUrl}/otp/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: uniqueUsNumber().e164 }),
    });
    expect(earlier.status).toBe(200);

    const page = await browser.newPage();
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    await page.route(
      (url) => url.origin === 'https://challenges.cloudflare.com',
      (route) => route.fulfill({ contentType: 'text/javascript', body: FAKE_TURNSTILE_LOADER }),
    );
    const bodies: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/otp/request')) bodies.push(request.postData() ?? '');
    });
    await page.goto(`${stack.workerUrl}/`);
    await page.locator('#demo[data-ready="true"]').waitFor();
    // The loader is there, the widget is not: most visitors never see a challenge.
    expect(await page.isVisible('#turnstile')).toBe(false);
    expect(await page.textContent('#turnstile')).toBe('');

    const phone = uniqueUsNumber();
    await page.fill('#phone', phone.e164);
    await page.click('#send');
    await page.locator('#code').waitFor({ state: 'visible' });
    expect(await page.textContent('#turnstile')).toBe(
      'Fake Turnstile (1x00000000000000000000AA, otp-request)',
    );
    expect(bodies.map((body) => JSON.parse(body))).toEqual([
      { phone: phone.e164, channel: 'sms' },
      {
        phone: phone.e164,
        channel: 'sms',
        turnstileToken: expect.stringMatching(/^stand-in:solved\?hostname=127\.0\.0\.1&action=otp-request/),
      },
    ]);
    await page.fill('#code', await latestSmsCode(stack.sandboxUrl, phone.e164));
    await page.click('#verify');
    await page.locator('#approved').waitFor({ state: 'visible' });
    expect(await cspViolations()).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    // The challenge answer is a 403 the page handles; the browser logs every 4xx fetch as an error.
    expect(seen.consoleErrors.filter((text) => !/status of 403/.test(text))).toEqual([]);
    await page.close();
  });
});
