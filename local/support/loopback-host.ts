// Whether a Host header names this machine. A local server that answers any Host can be reached
// from a web page through DNS rebinding (a name the attacker controls, re-pointed at 127.0.0.1):
// the browser then treats the page and the server as one origin. Refusing every Host that is not a
// loopback name or address closes that door (https://en.wikipedia.org/wiki/DNS_rebinding).

import { isIP } from 'node:net';

export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  const hostname = hostnameOf(host.trim().toLowerCase());
  if (hostname === null) return false;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  if (isIP(hostname) === 6) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1';
  return false;
}

/** The name in `name`, `name:port`, `[v6]` or `[v6]:port`; null when the header is malformed. */
function hostnameOf(host: string): string | null {
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(host);
  if (bracketed) return bracketed[1] ?? null;
  const plain = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  return plain ? (plain[1] ?? null) : null;
}
