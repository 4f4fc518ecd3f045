import type { Context } from 'hono';
import { html } from 'hono/html';

/** CSP directive name → sources, e.g. `{ 'script-src': ["'self'"] }`. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * What every HTML page of this origin starts from: nothing may load, post or frame unless the page
 * adds it. The API itself answers JSON, which browsers do not execute, so only pages carry a CSP.
 */
const BASE_POLICY: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function contentSecurityPolicy(directives: CspDirectives): string {
  return Object.entries({ ...BASE_POLICY, ...directives })
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * Sends an HTML page with its own strict policy (the global secure headers set no CSP). The pages
 * have no inline script: their code is in this origin's static assets (/assets/*, built by
 * scripts/build-pages.ts), so `script-src 'self'` is the whole rule.
 * `no-store`: the HTML reflects the current settings, and a page that was turned off (DOCS_PAGE,
 * DEMO_PAGE) must not live on in a cache.
 */
export function sendHtmlPage(c: Context, page: string | Promise<string>, csp: CspDirectives) {
  c.header('Content-Security-Policy', contentSecurityPolicy(csp));
  c.header('Cache-Control', 'no-store');
  return c.html(page);
}

/**
 * The head both pages share: UTF-8, a mobile viewport, kept out of search engines (a demo that
 * sends SMS and an API reference are not for indexing), the title and the page's one stylesheet
 * from this origin's assets. Values go through hono/html's escaping. The icon is an empty `data:`
 * URL (both pages allow `img-src data:`): without one, browsers ask for /favicon.ico, a 404 that
 * shows as an error in the console of every visit.
 */
export function pageHead(title: string, stylesheet: string) {
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${title}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${stylesheet}" />`;
}
