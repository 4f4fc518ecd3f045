import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';

/** Everything the page did that a reviewer would want to know about. */
export function watchPage(page: Page, origin: string) {
  const seen = { foreignRequests: [] as string[], pageErrors: [] as string[], consoleErrors: [] as string[] };
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) seen.foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  page.on('console', (message) => {
    // Failed API calls (4xx) are expected in these flows and logged by Chromium as resource errors.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
      seen.consoleErrors.push(message.text());
  });
  return seen;
}

/**
 * A valid, SMS-capable San Francisco number nobody else in this run uses. `line`: its last four
 * digits, for the Plivo sandbox's scripted outcomes (0000: the SMS fails).
 */
export function uniqueUsNumber(line = randomLine()): {
  typed: string;
  e164: string;
} {
  const exchange = String(200 + randomInt(300));
  return { typed: `+1 (415) ${exchange}-${line}`, e164: `+1415${exchange}${line}` };
}

/** Four random digits the Plivo sandbox does not script (it scripts 00xx: failures, refusals). */
function randomLine(): string {
  return String(100 + randomInt(9_900)).padStart(4, '0');
}
