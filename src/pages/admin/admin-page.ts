import { html } from 'hono/html';
import { pageHead } from '../../http/html-page.ts';

/**
 * What the dashboard loads, all from this origin's static assets (scripts/build-pages.ts copies
 * uPlot's prebuilt files from its pinned npm package): nothing from a CDN, nothing in the Worker.
 */
export const ADMIN_ASSETS = {
  uplot: '/assets/uplot/uPlot.iife.min.js',
  uplotStyle: '/assets/uplot/uPlot.min.css',
  script: '/assets/admin.js',
  style: '/assets/admin.css',
} as const;

/** The hour windows the page offers (GET /admin/stats accepts 1 to 168). */
const WINDOWS = [6, 24, 48, 168] as const;

/**
 * The dashboard's HTML: a form for the admin key and the window, and the empty panel area the
 * script fills (src/pages/admin/browser/panels.ts: kept there, out of the Worker bundle). The key field has no `name` and the form no action: even with the script gone, and
 * with `form-action 'none'` besides, a submit cannot put the key in a URL.
 */
export function renderAdminPage(options: { appName: string }) {
  return html`<!doctype html>
<html lang="en">
  <head>
    ${pageHead(`${options.appName} operator dashboard`, ADMIN_ASSETS.uplotStyle)}
    <link rel="stylesheet" href="${ADMIN_ASSETS.style}" />
  </head>
  <body>
    <header>
      <h1>${options.appName} operator dashboard</h1>
      <form id="admin-key-form" autocomplete="off">
        <label>Admin key <input id="admin-key" type="password" autocomplete="off" spellcheck="false" required /></label>
        <label>Hours <select id="admin-hours">
          ${WINDOWS.map((hours) => html`<option value="${hours}" ${hours === 24 ? 'selected' : ''}>${hours} h</option>`)}
        </select></label>
        <label>Country <select id="admin-country"><option value="">all</option></select></label>
        <label id="admin-app-field" hidden>App <select id="admin-app"><option value="">all</option></select></label>
        <button type="submit">Load</button>
        <button type="button" id="admin-forget">Forget key</button>
      </form>
      <p id="admin-status" role="status">Type an admin key (ADMIN_API_KEYS). It stays in this tab's memory only.</p>
      <noscript><p>The dashboard needs JavaScript.</p></noscript>
    </header>
    <main id="admin-panels" hidden></main>
    <script src="${ADMIN_ASSETS.uplot}"></script>
    <script src="${ADMIN_ASSETS.script}"></script>
  </body>
</html>`;
}
