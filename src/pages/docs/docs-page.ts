import { html } from 'hono/html';
import { pageHead } from '../../http/html-page.ts';

/**
 * What the docs page loads, all from this origin's static assets (scripts/build-pages.ts copies
 * Scalar's standalone build from the pinned @scalar/api-reference package): no CDN at run time,
 * so /docs works offline, behind a proxy, and under `script-src 'self'`.
 */
export const DOCS_ASSETS = {
  scalar: '/assets/scalar/standalone.js',
  script: '/assets/docs.js',
  style: '/assets/docs.css',
} as const;

/**
 * The reference UI mounts on #app. The fallback above it is plain HTML, visible until Scalar has
 * rendered: with JavaScript off or a script that failed, the reader still gets a sentence and the
 * link to the OpenAPI document instead of a blank page.
 */
export function renderDocsPage(options: { title: string }) {
  return html`<!doctype html>
<html lang="en">
  <head>
    ${pageHead(`${options.title} API reference`, DOCS_ASSETS.style)}
  </head>
  <body>
    <main id="docs-fallback">
      <h1>${options.title} API reference</h1>
      <p id="docs-status">Loading the interactive reference…</p>
      <noscript><p>The interactive reference needs JavaScript.</p></noscript>
      <p>The OpenAPI 3.1 document it is built from: <a href="/openapi.json">/openapi.json</a>.</p>
    </main>
    <div id="app"></div>
    <script src="${DOCS_ASSETS.scalar}"></script>
    <script src="${DOCS_ASSETS.script}"></script>
  </body>
</html>`;
}
