import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { type DevStack, startDevStack } from './support/dev-stack.ts';

/**
 * What a newcomer sees on opening each page: no error in the console (the browser's own favicon
 * request was a 404 on both of the Worker's pages), and the sandbox inbox readable.
 */

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  [browser, stack] = await Promise.all([launchChromium(), startDevStack()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Every console error and failed request while `url` loads and settles; nothing filtered out. A
 * browser of its own: Chromium remembers a host's failed favicon and would not ask twice.
 */
async function problemsOn(url: string, ready: string): Promise<string[]> {
  const own = await launchChromium();
  const page = await own.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(url, { timeout: 60_000 });
  await page.locator(ready).waitFor({ timeout: 60_000 });
  // The favicon is asked for after the load, in the background.
  await page.waitForTimeout(1_000);
  await own.close();
  return problems;
}

describe("the pages' first impression", () => {
  it('the demo page loads without a console error or a failed request (no /favicon.ico 404)', async () => {
    expect(await problemsOn(`${stack.workerUrl}/`, '#demo[data-ready="true"]')).toEqual([]);
  });

  it('the API reference loads without one either', async () => {
    expect(await problemsOn(`${stack.workerUrl}/docs`, 'body[data-docs="ready"]')).toEqual([]);
  });

  it("the sandbox inbox shows a call's long answer URL on one line, whole in its tooltip", async () => {
    const answerUrl = `${stack.workerUrl}/webhooks/plivo/voice/1765000000000/${'Q'.repeat(160)}`;
    const placed = await fetch(`${stack.sandboxUrl}/v1/Account/MABROWSERTEST0000000/Call/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('MABROWSERTEST0000000:browser-test-plivo-token').toString('base64')}`,
        'content-type': 'application/json',
      },
      // A `to` ending 0012 rings out: listed with its answer URL, which nobody asks for.
      body: JSON.stringify({ from: '+14155550100', to: '+14155550012', answer_url: answerUrl }),
    });
    expect(placed.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${stack.sandboxUrl}/`);
    const url = page.locator('.call code.url').first();
    await url.waitFor();
    expect(await url.getAttribute('title')).toBe(answerUrl);
    const lineHeight = await url.evaluate((element) =>
      Number.parseFloat(getComputedStyle(element).lineHeight),
    );
    const { height } = (await url.boundingBox()) ?? { height: Number.POSITIVE_INFINITY };
    expect(height).toBeLessThan(lineHeight * 1.5);
    await page.close();
  });
});
