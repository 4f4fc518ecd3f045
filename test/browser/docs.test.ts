import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_ASSETS } from '../../src/pages/docs/docs-page.ts';
import { launchChromium } from './support/chromium.ts';
import { watchCspViolations } from './support/csp-violations.ts';
import { type DevStack, startDevStack } from './support/dev-stack.ts';

let browser: Browser;
let stack: DevStack;

beforeAll(async () => {
  [browser, stack] = await Promise.all([launchChromium(), startDevStack({ APP_NAME: 'Acme Sign-in' })]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Cuts the page off from everything but this machine, as an offline laptop or a strict proxy would. */
async function withoutOutsideNetwork(page: Page): Promise<string[]> {
  const attempted: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    attempted.push(url.href);
    return route.abort('internetdisconnected');
  });
  return attempted;
}

describe('API reference (/docs)', () => {
  it('renders the operations of /openapi.json with the outside network blocked, and never tries to reach it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const attempted = await withoutOutsideNetwork(page);
    const cspViolations = await watchCspViolations(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${stack.workerUrl}/docs`);
    await page.locator('body[data-docs="ready"]').waitFor({ timeout: 60_000 });
    // Operations, as Scalar renders them from the document: every summary in the sidebar, and an
    // operation's method and path once it is opened (Scalar renders sections as they scroll in).
    const sidebar = page.locator('nav, aside').first();
    for (const summary of ['Send a verification code by SMS', 'Check a code and get a signed receipt']) {
      await sidebar.getByText(summary).waitFor();
    }
    await sidebar.getByText('Check a code and get a signed receipt').click();
    await page.getByText('/otp/verify', { exact: true }).first().waitFor();
    expect(await page.isVisible('#docs-fallback')).toBe(false);
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/docs-offline.png' });

    expect(attempted).toEqual([]);
    // The one thing the policy blocks is a probe: the zod copy inside Scalar tries `Function('')`
    // once to learn whether it may compile validators, and falls back when it may not. Anything
    // else Scalar would need eval for would have failed the rendering above.
    const zodEvalProbe = `script-src blocked eval in ${DOCS_ASSETS.scalar}`;
    expect((await cspViolations()).filter((violation) => violation !== zodEvalProbe)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows snippets with this deployment's host in fetch, Python and curl, and its Try it sends the documented example: 200", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${stack.workerUrl}/docs`);
    await page.locator('body[data-docs="ready"]').waitFor({ timeout: 60_000 });
    const title = /^Send a verification code by SMS/;
    await page.getByText(title).first().click();
    const operation = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: title }) })
      .last();

    // JavaScript's fetch first, with the host: a snippet that runs when pasted.
    const snippet = operation.locator('pre').filter({ hasText: '/otp/request' }).first();
    await snippet.waitFor();
    expect(await snippet.textContent()).toContain(`fetch('${stack.workerUrl}/otp/request'`);
    const clients = page.getByRole('tab');
    await clients.first().waitFor();
    expect((await clients.allTextContents()).map((name) => name.trim()).slice(0, 3)).toEqual([
      'JavaScript',
      'Python',
      'Shell',
    ]);
    await page.getByRole('tab', { name: 'Python' }).click();
    await operation
      .locator('pre')
      .filter({ hasText: `requests.post("${stack.workerUrl}/otp/request"` })
      .first()
      .waitFor();
    await page.getByRole('tab', { name: 'Shell' }).click();
    await operation
      .locator('pre')
      .filter({ hasText: `curl ${stack.workerUrl}/otp/request` })
      .first()
      .waitFor();

    // "Test Request", then send the example as it stands: the Worker on this page's origin answers 200.
    const answered = page.waitForResponse(
      (response) =>
        response.url() === `${stack.workerUrl}/otp/request` && response.request().method() === 'POST',
    );
    await operation.getByRole('button', { name: 'Test Request' }).click();
    await page.getByRole('button', { name: /^Send/ }).first().click();
    const response = await answered;
    expect(response.request().postDataJSON()).toEqual({ phone: '+14155552671' });
    expect(response.status()).toBe(200);
    await page.getByText('200 OK').first().waitFor();
    await page.close();
  });

  it('keeps a visible link to /openapi.json when the reference UI cannot load', async () => {
    const page = await browser.newPage();
    await page.route('**/assets/scalar/**', (route) => route.abort('failed'));
    await page.goto(`${stack.workerUrl}/docs`);
    await page.locator('body[data-docs="failed"]').waitFor();

    expect(await page.isVisible('#docs-fallback')).toBe(true);
    expect(await page.textContent('#docs-status')).toBe(
      'The interactive reference could not start (its script did not load).',
    );
    const link = page.locator('#docs-fallback a[href="/openapi.json"]');
    expect(await link.isVisible()).toBe(true);
    await link.click();
    await page.waitForURL(`${stack.workerUrl}/openapi.json`);
    expect(await page.textContent('body')).toContain('"openapi":"3.1.0"');
    await page.close();
  });
});
