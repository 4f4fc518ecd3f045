import type { Caller } from './app-env.ts';

/**
 * The client IP when CF-Connecting-IP is missing or unusable. On Cloudflare the header is always
 * set (and a client's own is overwritten); `wrangler dev` sets it from the socket too. It is
 * missing when tests call the app directly. A fixed value, not a request header, so every such
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

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

/**
 * An IPv4 literal in dotted-decimal form, or an IPv6 literal in its canonical (RFC 5952) form, so
 * two spellings of one address are one key. Anything else (hostnames, ports, zone ids, octal or
 * hex IPv4 forms) is undefined.
 */
export function parseIpLiteral(text: string): string | undefined {
  const value = text.trim();
  if (value.length === 0 || value.length > 45) return undefined;
  if (IPV4.test(value)) return value;
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return undefined;
  try {
    // The URL parser implements the WHATWG IPv6 parser, which validates and compresses.
    const host = new URL(`http://[${value}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return undefined;
  }
}
