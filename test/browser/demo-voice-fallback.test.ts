import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { watchCspViolations } from './support/csp-violations.ts';
import { type DevStack, latestSmsCode, spokenCode, startDevStack } from './support/dev-stack.ts';
import { uniqueUsNumber, watchPage } from './support/page-watch.ts';

/**
 * The demo page on a deployment with every channel: the visitor picks one, and a code that does not
 * arrive can be asked for another way ("Call me instead") once OTP_FALLBACK_DELAY_SECONDS passed.
 * The Worker knows its own URL (PUBLIC_BASE_URL), so the Plivo sandbox fetches the call's words
 * from it and posts the SMS delivery reports the page shows.
 */

const SCREENSHOT = 'test/artifacts/demo-voice-fallback.png';
const FALLBACK_DELAY_SECONDS = 2;

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startDevStack(
    {
      APP_NAME: 'Acme Sign-in',
      PLIVO_VOICE_SRC: '+14155550199',
      PLIVO_WHATSAPP_SRC: '+14155550188',
      PLIVO_WHATSAPP_TEMPLATE: 'otp_login',
      OTP_FALLBACK_DELAY_SECONDS: String(FALLBACK_DELAY_SECONDS),
      // Every test here sends from 127.0.0.1, and a switch is a send: room for all of them.
      RATE_LIMIT_SEND_PER_IP: '50/1h',
    },
    {},
    { publicBaseUrl: true },
  );
});

afterAll(async () => {
  await stack?.stop();
  await browser?.close();
});

async function openDemo(page: Page): Promise<void> {
  await page.goto(`${stack.workerUrl}/`);
  await page.locator('#demo[data-ready="true"]').waitFor();
}

/** Requests a code for `phone` the way the form is set, and answers the new verification's id. */
async function requestCode(page: Page, typed: string): Promise<string> {
  await page.fill('#phone', typed);
  const requested = page.waitForResponse((response) => response.url().endsWith('/otp/request'));
  await page.click('#send');
  const response = await requested;
  expect(response.status()).toBe(200);
  await page.locator('#code').waitFor({ state: 'visible' });
  return ((await response.json()) as { verificationId: string }).verificationId;
}

const textOf = (page: Page, selector: string) => page.locator(selector).textContent();

describe('demo page with voice and WhatsApp', () => {
  it('offers the channels this deployment has, SMS first and chosen', async () => {
    const page = await browser.newPage();
    await openDemo(page);
    const choices = page.locator('#channel-choice input[name="channel"]');
    expect(
      await choices.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value)),
    ).toEqual(['sms', 'voice', 'whatsapp', 'auto']);
    const labels = await page.locator('#channel-choice label').allTextContents();
    expect(labels.map((label) => label.trim())).toEqual([
      'SMS',
      'Phone call',
      'WhatsApp',
      'SMS, then a call if it fails',
    ]);
    expect(await page.isChecked('#channel-choice input[value="sms"]')).toBe(true);
    await page.close();
  });

  it('"Call me instead" after the fallback delay: the spoken code verifies with amr voice, the SMS code no longer does', async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 1100 } });
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    await openDemo(page);
    const phone = uniqueUsNumber();
    await requestCode(page, phone.typed);
    const smsCode = await latestSmsCode(stack.sandboxUrl, phone.e164);

    // Never the channel the code already went out on; the others wait for the fallback delay.
    const callMe = page.locator('#switch-voice');
    expect(await callMe.textContent()).toBe('Call me instead');
    expect(await page.isVisible('#switch-whatsapp')).toBe(true);
    expect(await page.isVisible('#switch-sms')).toBe(false);
    expect(await callMe.isDisabled()).toBe(true);
    expect(await textOf(page, '#switch-wait')).toMatch(/^You can ask for it another way in [12] s\.$/);
    await page.waitForSelector('#switch-voice:enabled');
    expect(await page.isVisible('#switch-wait')).toBe(false);

    await page.fill('#code', '1');
    const switched = page.waitForResponse((response) => response.url().endsWith('/channel'));
    await callMe.click();
    expect((await switched).status()).toBe(200);
    await page.waitForFunction(() =>
      /by call now/.test(document.getElementById('message')?.textContent ?? ''),
    );
    expect(await textOf(page, '#message')).toBe(
      'A new code is coming by call now. The previous code no longer works.',
    );
    expect(await page.inputValue('#code')).toBe('');
    expect(await page.isVisible('#switch-voice')).toBe(false);
    expect(await page.isVisible('#switch-sms')).toBe(true);

    const voiceCode = await spokenCode(stack.sandboxUrl, phone.e164);
    // One chance in a million the new code equals the old one; then there is no old code to refuse.
    if (voiceCode !== smsCode) {
      await page.fill('#code', smsCode);
      await page.click('#verify');
      await page.waitForFunction(() =>
        /attempts? left/.test(document.getElementById('message')?.textContent ?? ''),
      );
      expect(await textOf(page, '#message')).toBe('That code is not correct. 4 attempts left.');
      expect(await page.getAttribute('#message', 'data-tone')).toBe('error');
    }

    await page.fill('#code', voiceCode);
    await page.click('#verify');
    await page.locator('#approved').waitFor({ state: 'visible' });
    expect(await textOf(page, '[data-claim="sub"]')).toBe(phone.e164);
    expect(await textOf(page, '[data-claim="amr"]')).toBe('voice');

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(await cspViolations()).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    await page.close();
  });

  it("shows the SMS's delivery report as Plivo sends it: delivered, or failed with a call to ask for", async () => {
    const delivered = await browser.newPage();
    const failed = await browser.newPage();
    await Promise.all([openDemo(delivered), openDemo(failed)]);
    await requestCode(delivered, uniqueUsNumber().typed);
    // The sandbox fails every SMS to a number ending 0000.
    await requestCode(failed, uniqueUsNumber('0000').typed);

    for (const [page, line] of [
      [delivered, 'SMS delivered'],
      [failed, 'SMS failed: ask for a call'],
    ] as const) {
      await page.waitForFunction(
        (expected) => document.getElementById('delivery-status')?.textContent === expected,
        line,
      );
      expect(await page.getAttribute('#delivery-status', 'aria-live')).toBe('polite');
      await page.close();
    }
  });

  it('"SMS, then a call if it fails" (channel auto): the SMS fails, the service calls by itself, the page says so, the spoken code verifies with amr voice', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page, stack.workerUrl);
    const cspViolations = await watchCspViolations(page);
    await openDemo(page);
    await page.check('#channel-choice input[value="auto"]');
    // The sandbox fails every SMS to a number ending 0000 (and answers its calls). Its failed report
    // goes to the Worker (PUBLIC_BASE_URL), which places the call before it answers the report.
    const phone = uniqueUsNumber('0000');
    await page.fill('#phone', phone.typed);
    const requested = page.waitForResponse((response) => response.url().endsWith('/otp/request'));
    await page.click('#send');
    const response = await requested;
    expect(response.request().postDataJSON()).toMatchObject({ channel: 'auto' });
    expect(await response.json()).toMatchObject({ channel: 'sms', fallback: 'voice' });
    const smsCode = await latestSmsCode(stack.sandboxUrl, phone.e164);
    await page.fill('#code', '12');

    await page.waitForFunction(() =>
      /calling you now/.test(document.getElementById('message')?.textContent ?? ''),
    );
    expect(await textOf(page, '#message')).toBe('Your SMS could not be delivered; we are calling you now.');
    expect(await page.inputValue('#code')).toBe('');
    expect(await page.isVisible('#switch-voice')).toBe(false);

    const voiceCode = await spokenCode(stack.sandboxUrl, phone.e164);
    if (voiceCode !== smsCode) {
      await page.fill('#code', smsCode);
      await page.click('#verify');
      await page.waitForFunction(() =>
        /attempts? left/.test(document.getElementById('message')?.textContent ?? ''),
      );
    }
    await page.fill('#code', voiceCode);
    await page.click('#verify');
    await page.locator('#approved').waitFor({ state: 'visible' });
    expect(await textOf(page, '[data-claim="amr"]')).toBe('voice');

    expect(await cspViolations()).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    await page.close();
  });

  it("takes the API's Retry-After over its own countdown when a switch comes too soon (429 fallback_too_soon)", async () => {
    const page = await browser.newPage();
    await openDemo(page);
    const verificationId = await requestCode(page, uniqueUsNumber().typed);
    await page.waitForSelector('#switch-voice:enabled');

    // Another client moved the code to WhatsApp a moment ago, which the page has not read yet: its
    // fallback delay starts again at the API, not on the page.
    const elsewhere = await fetch(`${stack.workerUrl}/otp/verifications/${verificationId}/channel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp' }),
    });
    expect(elsewhere.status).toBe(200);
    const refused = page.waitForResponse((response) => response.url().endsWith('/channel'));
    await page.click('#switch-voice');
    expect((await refused).status()).toBe(429);

    await page.waitForFunction(() =>
      /moments ago/.test(document.getElementById('message')?.textContent ?? ''),
    );
    expect(await textOf(page, '#message')).toMatch(
      /^The code went out moments ago: give it a little time to arrive\. You can try again in [12] seconds?\.$/,
    );
    expect(await page.getAttribute('#message', 'data-tone')).toBe('error');
    expect(await page.isDisabled('#switch-voice')).toBe(true);
    expect(await textOf(page, '#switch-wait')).toMatch(/^You can ask for it another way in [12] s\.$/);
    await page.waitForSelector('#switch-voice:enabled');
    await page.close();
  });
});
