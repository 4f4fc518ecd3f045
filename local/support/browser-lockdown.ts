// What keeps a web page open in the developer's browser from driving a local server (the Redis REST
// server, the Plivo sandbox): they listen on 127.0.0.1, which every page can reach.
//
// - DNS rebinding: a page on evil.example re-resolves its own name to 127.0.0.1 and then reads our
//   answers as same-origin. Its requests still say `Host: evil.example`, so only loopback names
//   (and the address the server was told to bind) are served.
// - Cross-site requests: a browser puts `Origin` on every cross-origin request and on every POST
//   or DELETE; our own clients (the Worker, the tests, curl) send none. A server with a page of its
//   own (the sandbox's inbox) also serves `Origin` equal to its own origin, which only that page has.
// - No-cors bodies: a page may POST text/plain, a form or multipart without a preflight; requiring
//   `application/json` for bodies takes those away (a JSON POST needs a preflight, never granted).

import type { IncomingMessage } from 'node:http';

export type LockdownVerdict = { ok: true } | { ok: false; status: 403; reason: string };

export interface LockdownOptions {
  /** The address the server listens on; when not a wildcard, it counts as a local name too. */
  bindHost: string;
  /** Serve requests whose Origin is the server's own (`http://{Host}`): it serves a page itself. */
  allowOwnOrigin: boolean;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`: names only this machine answers to. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name)
  );
}

/** The name in a Host header, without its port (`[::1]:8790` → `[::1]`). */
export function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

/** Whether a local server should answer this request at all, before anything else is looked at. */
export function checkBrowserLockdown(request: IncomingMessage, options: LockdownOptions): LockdownVerdict {
  const host = request.headers.host;
  const bindHost = options.bindHost.replace(/^\[(.*)\]$/, '$1');
  const name = host === undefined ? undefined : hostName(host);
  const ownName =
    name !== undefined &&
    (isLoopbackName(name) ||
      (bindHost !== '0.0.0.0' && bindHost !== '::' && name.replace(/^\[(.*)\]$/, '$1') === bindHost));
  if (host === undefined || !ownName) {
    return {
      ok: false,
      status: 403,
      reason: `Forbidden: Host ${JSON.stringify(host ?? '')} is not a local name (a page rebinding its own name to this address)`,
    };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !(options.allowOwnOrigin && origin === `http://${host}`)) {
    return {
      ok: false,
      status: 403,
      reason: options.allowOwnOrigin
        ? `Forbidden: requests from another origin (${origin}) are refused; only this server's own pages may call it`
        : 'Forbidden: browser requests (with an Origin header) are refused',
    };
  }
  return { ok: true };
}

/** `application/json`, with or without parameters: what every legitimate body here is. */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
