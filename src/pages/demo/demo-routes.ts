import { Hono } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import { errorResponse } from '../../http/error-response.ts';
import { sendHtmlPage } from '../../http/html-page.ts';
import type { Channel } from '../../otp/channel.ts';
import { offeredChoices, offeredSwitches } from './channel-choices.ts';
import { renderDemoPage, TURNSTILE_ORIGIN } from './demo-page.ts';

/**
 * `GET /`: the demo page, when DEMO_PAGE is on. Off, `/` is a plain 404 like any unknown path, so
 * a production deployment does not advertise a page that sends SMS on anyone's behalf. (Its script
 * and style stay fetchable under /assets/: harmless without the page.)
 */
export const demoRoutes = new Hono<AppEnv>().get('/', (c) => {
  const config = c.get('config');
  if (!config.pages.demo) return errorResponse(c, 'not_found');
  const turnstile = config.access.turnstile;
  const widget = turnstile?.siteKey
    ? { siteKey: turnstile.siteKey, action: turnstile.expectedAction, mode: turnstile.mode }
    : undefined;
  // The very rule POST /otp/request and the channel switch apply, so the page never offers a 422.
  const { delivery } = c.get('services');
  const offers = (channel: Channel) => delivery.offers(channel);
  const page = renderDemoPage({
    appName: config.message.appName,
    otpLength: config.otp.length,
    turnstile: widget,
    docsPath: config.pages.docs ? '/docs' : undefined,
    sandboxInboxUrl: config.pages.sandboxInboxUrl,
    channelChoices: offeredChoices(offers),
    switchChannels: offeredSwitches(offers),
    fallbackDelaySeconds: config.otp.fallbackDelaySeconds,
  });
  // Without Turnstile the page loads nothing but this origin's assets and calls only its API.
  const cloudflare = widget ? [TURNSTILE_ORIGIN] : [];
  return sendHtmlPage(c, page, {
    'script-src': ["'self'", ...cloudflare],
    'style-src': ["'self'"],
    'connect-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'frame-src': cloudflare.length > 0 ? cloudflare : ["'none'"],
  });
});
