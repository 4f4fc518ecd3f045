// What keeps web pages out of the sandbox. It listens on 127.0.0.1, where every page open in a
// browser on this machine can send it requests; a page must not read the inbox (codes!), place
// calls or arm faults. Three rules, checked before anything else:
//   1. Host must be a loopback name or address (DNS rebinding, local/support/loopback-host.ts): 421.
//   2. An Origin header, if any, must be the sandbox's own (its inbox page); any other origin is a
//      cross-site request: 403. Twilio's SDKs and a Worker's fetch send no Origin.
//   3. The /__sandbox/ JSON API takes JSON bodies only: a page's no-cors request can only send
//      text/plain, form or multipart bodies without a CORS preflight, which is never granted: 415.
// The Twilio API paths keep taking form bodies, as Twilio does; rule 2 already stops pages there.

import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../support/loopback-host.ts';

export interface LockdownRefusal {
  status: number;
  message: string;
}

export function lockdownRefusal(request: IncomingMessage, pathname: string): LockdownRefusal | null {
  const host = request.headers.host;
  if (!isLoopbackHost(host)) {
    return { status: 421, message: 'the sandbox answers only requests addressed to a loopback name (Host)' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host?.toLowerCase()}`) {
    return { status: 403, message: 'cross-origin requests are refused (Origin is not the sandbox itself)' };
  }
  if (
    pathname.startsWith('/__sandbox/') &&
    carriesBody(request) &&
    !isJson(request.headers['content-type'])
  ) {
    return { status: 415, message: 'the /__sandbox/ API takes application/json bodies only' };
  }
  return null;
}

function carriesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
