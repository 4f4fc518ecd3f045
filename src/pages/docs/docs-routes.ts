import { Hono } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import { errorResponse } from '../../http/error-response.ts';
import { sendHtmlPage } from '../../http/html-page.ts';
import { renderDocsPage } from './docs-page.ts';

/** `GET /docs`: the interactive reference for /openapi.json, when DOCS_PAGE is on. */
export const docsRoutes = new Hono<AppEnv>().get('/docs', (c) => {
  const config = c.get('config');
  if (!config.pages.docs) return errorResponse(c, 'not_found');
  return sendHtmlPage(c, renderDocsPage({ title: config.message.appName }), {
    'script-src': ["'self'"],
    // Scalar injects its stylesheet as <style> elements and sets style attributes at run time;
    // neither can carry a nonce or a hash that survives its upgrades. Styles cannot run code.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    // The document and "Test request" calls: this origin only (no proxy, no telemetry).
    'connect-src': ["'self'"],
  });
});
