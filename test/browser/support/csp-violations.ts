import type { Page } from 'playwright-core';

declare global {
  interface Window {
    cspViolationsSeen?: string[];
  }
}

/**
 * Records every `securitypolicyviolation` event the page fires, from its first script on: what
 * the page's Content-Security-Policy blocked (an inline script, a style, a request elsewhere).
 * Playwright injects the listener itself, so the policy under test does not block it.
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    window.cspViolationsSeen = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      const source = event.sourceFile ? new URL(event.sourceFile).pathname : '(page)';
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} in ${source}`);
    });
  });
  return () => page.evaluate(() => window.cspViolationsSeen ?? ['(listener missing)']);
}
