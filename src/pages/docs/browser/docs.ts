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

/**
 * The snippets offered: JavaScript's fetch (browsers, Node, Workers), Python's requests and curl;
 * fetch first. Every other client Scalar knows (as of @scalar/api-reference 1.76) is hidden, so
 * the "Client Libraries" box holds these three and nothing to scroll past.
 */
const OFFERED_CLIENTS = ['js/fetch', 'python/requests', 'shell/curl'] as const;
type ScalarOptions = Extract<Parameters<typeof createApiReference>[1], { hiddenClients?: unknown }>;
const HIDDEN_CLIENTS: ScalarOptions['hiddenClients'] = {
  c: true,
  clojure: true,
  csharp: true,
  dart: true,
  fsharp: true,
  go: true,
  http: true,
  java: true,
  julia: true,
  kotlin: true,
  node: true,
  objc: true,
  ocaml: true,
  php: true,
  powershell: true,
  r: true,
  ruby: true,
  rust: true,
  swift: true,
  js: ['axios', 'jquery', 'ofetch', 'xhr'],
  python: ['python3', 'aiohttp', 'httpx_sync', 'httpx_async'],
  shell: ['httpie', 'wget'],
};

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
      // The document's server is relative (`/`: whoever serves it). This page is served by the
      // same Worker, so its origin is the API's: snippets show the host and "Try it" calls it.
      servers: [{ url: window.location.origin, description: 'This deployment' }],
      featuredClients: [...OFFERED_CLIENTS],
      hiddenClients: HIDDEN_CLIENTS,
      defaultHttpClient: { targetKey: 'js', clientKey: 'fetch' },
      onLoaded: () => {
        if (fallback) fallback.hidden = true;
        document.body.dataset.docs = 'ready';
      },
    });
  } catch (error) {
    giveUp(error instanceof Error ? error.message : 'an error');
  }
}
