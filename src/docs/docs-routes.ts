import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { errorResponse } from '../http/error-response.ts';
import { createCspNonce, sendHtmlPage } from '../http/html-page.ts';
import { renderDocsPage } from './docs-page.ts';

/** `GET /docs`: the interactive reference for /openapi.json, when DOCS_PAGE is on. */
export const docsRoutes = new Hono<AppEnv>().get('/docs', (c) => {
  const config = c.get('config');
  if (!config.pages.docs) return errorResponse(c, 'not_found');
  const nonce = createCspNonce(c.get('runtime').random);
  return sendHtmlPage(c, renderDocsPage({ title: config.message.appName, nonce }), {
    'script-src': [`'nonce-${nonce}'`],
    // Scalar injects its own <style> elements at runtime; they cannot carry the nonce.
    'style-src': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    // The document and "Test request" calls: this origin only (no proxy, no telemetry).
    'connect-src': ["'self'"],
  });
});
