import { parseIpLiteral } from '../net/ip-literal.ts';
import type { Caller } from './app-env.ts';

/**
 * The client IP when CF-Connecting-IP is missing or unusable. On Cloudflare the header is always
 * set (and a client's own is overwritten). `wrangler dev` sets it from the socket only when the
 * request has none: a local client's own CF-Connecting-IP is passed through unchanged
 * (test/browser/wrangler-client-ip.test.ts). It is missing when tests call the app directly. A fixed value, not a request header, so every such
 * request shares one per-IP limit instead of choosing its own; it is a valid literal so code that
 * keys on IPs keeps working, and it is never sent to siteverify.
 */
export const UNKNOWN_CLIENT_IP = '0.0.0.0';

export type ClientIpResult = { ok: true; ip: string } | { ok: false; problem: string };

/**
 * Who the end user is, for limits and the bot check. Only CF-Connecting-IP counts: X-Forwarded-For,
 * X-Real-IP, True-Client-IP and friends are whatever the client says they are. A server caller (a
 * valid API key) sits between us and the user, so it may name the user's IP in X-End-User-IP;
 * anyone else's X-End-User-IP is ignored.
 */
export function resolveClientIp(headers: Headers, caller: Caller): ClientIpResult {
  if (caller.kind === 'server') {
    const endUser = headers.get('x-end-user-ip');
    if (endUser !== null) {
      const ip = parseIpLiteral(endUser);
      return ip === undefined ? { ok: false, problem: 'must be an IPv4 or IPv6 address' } : { ok: true, ip };
    }
  }
  return { ok: true, ip: parseIpLiteral(headers.get('cf-connecting-ip') ?? '') ?? UNKNOWN_CLIENT_IP };
}
