import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { type DevStack, startDevStack } from './support/dev-stack.ts';
import { uniqueUsNumber } from './support/page-watch.ts';
import { requestCode } from './support/routing-traffic.ts';

const ADMIN_KEY = 'dashboard-regions-admin-key-0123';

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  [browser, stack] = await Promise.all([
    launchChromium(),
    startDevStack(
      { ADMIN_PAGE: 'on', KEY_PREFIX: 'dash-regions:' },
      { ADMIN_API_KEYS: ADMIN_KEY },
      { storeRegions: { ap: ['AU'] } },
    ),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The `ap` region's REST server answers every request with a 503 (down: true) or is itself again. */
async function setApDown(down: boolean): Promise<void> {
  const url = `${stack.regionRestUrls.ap}/__faults`;
  const headers = { authorization: `Bearer ${stack.redisRestToken}`, 'content-type': 'application/json' };
  const response = down
    ? await fetch(url, { method: 'POST', headers, body: JSON.stringify({ status: 503, count: 1000 }) })
    : await fetch(url, { method: 'DELETE', headers });
  expect(response.ok).toBe(true);
}

describe('the dashboard while a store region is down', () => {
  it('shows the regions that answered and names the one that did not, then all of them once it is back', async () => {
    expect((await requestCode(stack, uniqueUsNumber().e164)).status).toBe(200);
    const page = await browser.newPage();
    await page.goto(`${stack.workerUrl}/admin`);
    await page.fill('#admin-key', ADMIN_KEY);

    await setApDown(true);
    try {
      await page.click('button[type="submit"]');
      await page.locator('body[data-dashboard="ready"]').waitFor();
      const status = page.locator('#admin-status');
      expect(await status.textContent()).toContain(
        'Store region ap did not answer: its countries are missing.',
      );
      expect(await status.getAttribute('data-tone')).toBe('error');
      // The default region's country is on the page all the same.
      expect(await page.locator('#admin-country option[value="US"]').count()).toBe(1);
    } finally {
      await setApDown(false);
    }

    await page.click('button[type="submit"]');
    // Loaded again: the status line says when it read, in the plain tone, and names no region.
    await page.waitForFunction(() => {
      const status = document.getElementById('admin-status');
      return status?.dataset.tone === 'info' && status.textContent?.includes(' UTC.') === true;
    });
    expect(await page.textContent('#admin-status')).not.toContain('did not answer');
    await page.close();
  });
});
