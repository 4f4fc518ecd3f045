import type { Context } from 'hono';
import type { GuardPass } from '../otp/guard-standing.ts';
import type { AppEnv } from './app-env.ts';
import { UNKNOWN_CLIENT_IP } from './client-ip.ts';
import { errorResponse } from './error-response.ts';

/**
 * What a send's caller brings to the fraud guard (GuardPass), or the response that ends the
 * request here: a 400 for `trustedUser` without an API key, a 403 `captcha_failed` for a
 * Turnstile token that does not pass. Called first in POST /otp/request and the channel switch,
 * before any limit or store call, so a bot with a bad token costs one siteverify call and no Redis
 * round trip.
 *
 * Browser callers and Turnstile (when TURNSTILE_SECRET_KEY is set): with TURNSTILE_MODE=always
 * every request needs a token; with `pressure` a request without one goes on, and a guard refusal
 * is answered with a challenge (403 `challenge_required`) instead. A token that passes lets the
 * country's challenged cell admit the send when the plain cells would refuse it. The token comes
 * from the body's `turnstileToken` or else the `cf-turnstile-response` header, solved on an
 * allowed hostname for the expected action. Siteverify being unreachable throws
 * DependencyUnavailableError (503).
 */
export async function guardPass(
  c: Context<AppEnv>,
  body: { turnstileToken?: string | undefined; trustedUser?: boolean | undefined },
): Promise<GuardPass | Response> {
  const caller = c.get('caller');
  if (body.trustedUser === true) {
    if (caller.kind !== 'server') {
      return errorResponse(c, 'invalid_request', {
        extra: {
          issues: [
            { field: 'trustedUser', problem: 'only an API-key caller (your backend) may vouch for a user' },
          ],
        },
      });
    }
    return { kind: 'vouched', keyId: caller.keyId };
  }
  const humanCheck = c.get('services').humanCheck;
  const turnstile = c.get('config').access.turnstile;
  if (humanCheck === undefined || turnstile === undefined || caller.kind === 'server')
    return { kind: 'none' };
  const token = body.turnstileToken || c.req.header('cf-turnstile-response') || '';
  if (turnstile.mode === 'pressure' && token === '') return { kind: 'challenge_on_refusal' };
  const clientIp = c.get('clientIp');
  const verdict = await humanCheck.check(token, {
    // A stand-in address tells Cloudflare nothing true: leave it out.
    remoteIp: clientIp === UNKNOWN_CLIENT_IP ? undefined : clientIp,
    allowedHostnames: allowedHostnames(c),
  });
  if (verdict.kind === 'human') return { kind: 'solved' };
  c.get('log').detail = `turnstile ${verdict.reasons.join(',') || 'refused'}`;
  // Cloudflare's public error codes: they tell the page whether to reset the widget.
  return errorResponse(c, 'captcha_failed', { extra: { reasons: verdict.reasons } });
}

/**
 * 403 `challenge_required`: the guard would refuse this request, and a solved Turnstile challenge
 * sent with the same request opens the country's challenged budget. The body names the widget.
 */
export function challengeResponse(c: Context<AppEnv>, scope: string): Response {
  c.get('log').detail = `fraud guard: ${scope}, challenge offered`;
  const siteKey = c.get('config').access.turnstile?.siteKey;
  return errorResponse(c, 'challenge_required', { extra: { challenge: { type: 'turnstile', siteKey } } });
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
