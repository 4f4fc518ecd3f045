// What keeps a web page open in the developer's browser from driving a local server (the Redis REST
// server, the Plivo and Twilio sandboxes): they listen on 127.0.0.1, which every page can reach.
//
// - DNS rebinding: a page on evil.example re-resolves its own name to 127.0.0.1 and then reads our
//   answers as same-origin. Its requests still say `Host: evil.example`, so only loopback names
//   (and the address the server was told to bind) are served (https://en.wikipedia.org/wiki/DNS_rebinding).
// - Cross-site requests: a browser puts `Origin` on every cross-origin request and on every POST
//   or DELETE; our own clients (the Worker, the tests, curl) send none. A server with a page of its
//   own (a sandbox's inbox) also serves `Origin` equal to its own origin, which only that page has.
// - No-cors bodies: a page may POST text/plain, a form or multipart without a preflight; requiring
//   `application/json` for bodies takes those away (a JSON POST needs a preflight, never granted).

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Which rule refused a request; each server answers it in its own protocol's shape. */
export type LockdownRule = 'foreign-host' | 'foreign-origin' | 'not-json-body';

export type LockdownVerdict =
  | { ok: true }
  | { ok: false; rule: LockdownRule; status: 403 | 415; reason: string };

export interface LockdownOptions {
  /**
   * The address the server listens on: when given and not a wildcard, a Host naming it is served
   * too, so a server bound to a LAN address answers to that address. Omitted: loopback names only.
   */
  bindHost?: string;
  /** Serve requests whose Origin is the server's own (`http://{Host}`): it serves a page itself. */
  allowOwnOrigin: boolean;
  /**
   * A path prefix (`/__sandbox/`) under which a request that carries a body must say
   * `application/json`, refused 415 here, before any handler. For a server whose protocol takes
   * other bodies on its other paths (Twilio's API takes forms), so the rule cannot be global.
   * Omitted: no such rule here; the server checks content types where it reads bodies.
   */
  jsonBodiesUnder?: string;
}

/**
 * Whether a Host header names this machine: `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`,
 * with or without a port. A malformed header (`127.0.0.1@evil.example`, `localhost:`) does not.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = hostNameOf(host);
  return name !== null && isLoopbackName(name);
}

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  // The short form only, as browsers write it: a hand-typed [0:0:0:0:0:0:0:1] is refused.
  return name === '::1';
}

/** The name in `name`, `name:port`, `[v6]` or `[v6]:port`, lowercased; null when the header is malformed. */
function hostNameOf(host: string | undefined): string | null {
  if (host === undefined) return null;
  const header = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(header);
  if (bracketed) return bracketed[1] ?? null;
  const plain = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(header);
  return plain ? (plain[1] ?? null) : null;
}

/** Whether a local server should answer this request at all, before anything else is looked at. */
export function checkBrowserLockdown(request: IncomingMessage, options: LockdownOptions): LockdownVerdict {
  const host = request.headers.host;
  if (!isOwnHost(host, options.bindHost)) {
    return {
      ok: false,
      rule: 'foreign-host',
      status: 403,
      reason: `Forbidden: Host ${JSON.stringify(host ?? '')} is not a local name (a page rebinding its own name to this address)`,
    };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !(options.allowOwnOrigin && origin === `http://${host}`)) {
    return {
      ok: false,
      rule: 'foreign-origin',
      status: 403,
      reason: options.allowOwnOrigin
        ? `Forbidden: requests from another origin (${origin}) are refused; only this server's own pages may call it`
        : 'Forbidden: browser requests (with an Origin header) are refused',
    };
  }
  if (
    options.jsonBodiesUnder !== undefined &&
    pathnameOf(request).startsWith(options.jsonBodiesUnder) &&
    carriesBody(request) &&
    !isJsonContentType(request.headers['content-type'])
  ) {
    return {
      ok: false,
      rule: 'not-json-body',
      status: 415,
      reason: `Unsupported Media Type: bodies under ${options.jsonBodiesUnder} must be application/json`,
    };
  }
  return { ok: true };
}

function isOwnHost(host: string | undefined, bindHost: string | undefined): boolean {
  const name = hostNameOf(host);
  if (name === null) return false;
  if (isLoopbackName(name)) return true;
  const bound = bindHost?.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bound !== undefined && bound !== '0.0.0.0' && bound !== '::' && name === bound;
}

/** Only the path matters; a fixed base keeps a hostile Host header out of URL parsing. */
function pathnameOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://lockdown.invalid').pathname;
}

function carriesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** `application/json`, with or without parameters: what every legitimate body here is. */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
