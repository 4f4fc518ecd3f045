import { Hono } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import { errorResponse } from '../../http/error-response.ts';
import { sendHtmlPage } from '../../http/html-page.ts';
import { renderAdminPage } from './admin-page.ts';

/**
 * `GET /admin`: the operator dashboard, when ADMIN_PAGE is on; off, a plain 404. The page itself
 * holds no data: its script reads /admin/stats and /admin/stats/hourly with the admin key the
 * operator types, sent as `Authorization: Bearer`, so the key never rides in a URL, a cookie or
 * this HTML.
 */
export const adminPageRoutes = new Hono<AppEnv>().get('/admin', (c) => {
  const config = c.get('config');
  if (!config.pages.admin) return errorResponse(c, 'not_found');
  return sendHtmlPage(c, renderAdminPage({ appName: config.message.appName }), {
    'script-src': ["'self'"],
    // uPlot positions its parts through element.style (CSSOM), which style-src does not govern;
    // it injects no <style> and sets no style attribute, so 'self' is the whole rule.
    'style-src': ["'self'"],
    'connect-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
  });
});
