/**
 * The API reference page's own script (served as /assets/docs.js, after Scalar's standalone build
 * at /assets/scalar/standalone.js): mounts Scalar on /openapi.json. Until Scalar says it has
 * rendered, the page's static fallback stays visible with a link to the document itself, so a
 * script that fails to load or to run never leaves a blank page.
 */
import type { createApiReference } from '@scalar/api-reference';

declare global {
  interface Window {
    Scalar?: { createApiReference: typeof createApiReference };
  }
}

const fallback = document.getElementById('docs-fallback');
const status = document.getElementById('docs-status');

function giveUp(reason: string): void {
  if (status) status.textContent = `The interactive reference could not start (${reason}).`;
  document.body.dataset.docs = 'failed';
}

const scalar = window.Scalar;
if (!scalar) {
  giveUp('its script did not load');
} else {
  try {
    scalar.createApiReference('#app', {
      url: '/openapi.json',
      // Nothing leaves this origin: no telemetry, no web fonts from fonts.scalar.com, no request
      // proxy (the API is on this origin), no Scalar Agent, no developer toolbar. The page's CSP
      // (connect-src 'self') enforces it; these keep Scalar from trying.
      telemetry: false,
      withDefaultFonts: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: 'never',
      hideClientButton: false,
      onLoaded: () => {
        if (fallback) fallback.hidden = true;
        document.body.dataset.docs = 'ready';
      },
    });
  } catch (error) {
    giveUp(error instanceof Error ? error.message : 'an error');
  }
}
