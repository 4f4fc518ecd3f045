import { html, raw } from 'hono/html';

/**
 * Scalar's API reference, loaded from jsDelivr when /docs is opened: nothing of it is in the
 * Worker bundle (the @scalar/hono-api-reference package would add ~2 KiB gzip and an unpinned CDN
 * URL). Pinned to one version and checked with Subresource Integrity, so a compromised CDN or a
 * new release cannot run other code on this origin. To upgrade: change the version and recompute
 * the hash of the file (`npm pack @scalar/api-reference@<v>`, then
 * `openssl dgst -sha384 -binary package/dist/browser/standalone.js | openssl base64 -A`).
 */
export const SCALAR_SCRIPT = {
  url: 'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.72.1/dist/browser/standalone.js',
  integrity: 'sha384-U11tb2XnKvmwt8RlTvnwUnYgrN+ur4Xyh9htLhjajWNR/Oyl5AX5DEz00qRmlrmK',
} as const;

/**
 * Scalar options: no telemetry, no web fonts from fonts.scalar.com, and no request proxy (the API
 * is on this origin). The page's CSP enforces the same: only this origin may be fetched.
 */
const SCALAR_CONFIGURATION = JSON.stringify({
  url: '/openapi.json',
  telemetry: false,
  withDefaultFonts: false,
});

export function renderDocsPage(options: { title: string; nonce: string }) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${options.title} API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script nonce="${options.nonce}" src="${SCALAR_SCRIPT.url}" integrity="${SCALAR_SCRIPT.integrity}" crossorigin="anonymous"></script>
    <script nonce="${options.nonce}">
      Scalar.createApiReference('#app', ${raw(SCALAR_CONFIGURATION)});
    </script>
  </body>
</html>`;
}
