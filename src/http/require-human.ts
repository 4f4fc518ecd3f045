import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { UNKNOWN_CLIENT_IP } from './client-ip.ts';
import { errorResponse } from './error-response.ts';

/**
 * The bot check for browser callers, when TURNSTILE_SECRET_KEY is set: a 403 `captcha_failed`
 * response to send, or undefined to go on. Called first in POST /otp/request, before any limit
 * or store call, so a bot without a token costs one siteverify call and no Redis round trip.
 * The token comes from the body's `turnstileToken` or else the `cf-turnstile-response` header; it
 * must have been solved on an allowed hostname, for the expected action.
 * Siteverify being unreachable throws DependencyUnavailableError (503).
 */
export async function requireHuman(c: Context<AppEnv>, bodyToken: string | undefined) {
  const humanCheck = c.get('services').humanCheck;
  if (humanCheck === undefined || c.get('caller').kind === 'server') return undefined;
  const clientIp = c.get('clientIp');
  const verdict = await humanCheck.check(bodyToken || c.req.header('cf-turnstile-response') || '', {
    // A stand-in address tells Cloudflare nothing true: leave it out.
    remoteIp: clientIp === UNKNOWN_CLIENT_IP ? undefined : clientIp,
    allowedHostnames: allowedHostnames(c),
  });
  if (verdict.kind === 'human') return undefined;
  c.get('log').detail = `turnstile ${verdict.reasons.join(',') || 'refused'}`;
  // Cloudflare's public error codes: they tell the page whether to reset the widget.
  return errorResponse(c, 'captcha_failed', { extra: { reasons: verdict.reasons } });
}

/**
 * Where a token may have been solved. By default this Worker's own host is one: it serves the
 * demo page, and on Cloudflare a request only reaches the Worker through one of its own routes
 * or its workers.dev name, so the host in its URL is never one a caller made up.
 */
function allowedHostnames(c: Context<AppEnv>): readonly string[] {
  const hostnames = c.get('config').access.turnstile?.hostnames;
  if (hostnames === undefined) return [];
  return hostnames.includeOwnHost ? [...hostnames.listed, new URL(c.req.url).hostname] : hostnames.listed;
}
