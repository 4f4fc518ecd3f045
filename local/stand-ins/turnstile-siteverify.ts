// A local stand-in for Cloudflare Turnstile's siteverify endpoint, for tests and local runs. It
// behaves like Cloudflare's documented dummy secrets:
// https://developers.cloudflare.com/turnstile/troubleshooting/testing/
//
//   1x0000000000000000000000000000000AA  always passes, but (like a real secret) redeems each token
//                                        once: a second use answers `timeout-or-duplicate`, unless
//                                        it is a retry with the first use's idempotency_key, which
//                                        gets the first answer again
//   2x0000000000000000000000000000000AA  always fails: `invalid-input-response`
//   3x0000000000000000000000000000000AA  always fails: `timeout-or-duplicate`
//   anything else                        `invalid-input-secret`
//
// A passing answer has the fields of Cloudflare's: `success`, `error-codes`, `challenge_ts`,
// `hostname` (where the challenge was solved), `action` (the widget's; empty when it set none) and
// `cdata`. Which hostname and action a token was "solved" with is up to the token:
//   stand-in:solved?hostname=app.example.com&action=otp-request&…   exactly those (each optional:
//                                         hostname defaults to example.com, action to none); add
//                                         any other parameter to make the token unique
//   …DUMMY.TOKEN…  (Cloudflare's dummy token, any text around it)    example.com, `otp-request`
//   wrong-action, wrong-action.<anything>                            example.com, `other`
//   anything else                                                    example.com, no action
// example.com is the hostname Cloudflare's dummy secrets answer with.
// Two token prefixes test the client's failure handling: `stand-in:http-500…` gets an HTTP 500,
// and `stand-in:slow…` is answered (as a pass for `otp-request`) only after SLOW_ANSWER_MS.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBodyText } from '../support/http.ts';
import { DUMMY_HOSTNAME, SOLVED_TOKEN_PREFIX } from './turnstile-tokens.ts';

export const SITEVERIFY_PATH = '/turnstile/v0/siteverify';
export const TURNSTILE_TEST_SECRETS = {
  alwaysPasses: '1x0000000000000000000000000000000AA',
  alwaysFails: '2x0000000000000000000000000000000AA',
  alwaysSpent: '3x0000000000000000000000000000000AA',
} as const;
export const SLOW_ANSWER_MS = 2000;

const MAX_BODY_BYTES = 16 * 1024;
/** Cloudflare's limit on a token's length. */
const MAX_TOKEN_LENGTH = 2048;
/** Redeemed tokens remembered; the oldest are forgotten first (tests make far fewer). */
const MAX_REMEMBERED = 10_000;

interface Answer {
  success: boolean;
  'error-codes': string[];
  challenge_ts?: string;
  hostname?: string;
  action?: string;
  cdata?: string;
}

export interface TurnstileStandIn {
  /** The full siteverify URL: use it as TURNSTILE_SITEVERIFY_URL. */
  url: string;
  close(): Promise<void>;
}

export async function startTurnstileStandIn(
  options: { port?: number; host?: string } = {},
): Promise<TurnstileStandIn> {
  const host = options.host ?? '127.0.0.1';
  const redeemed = new Map<string, { idempotencyKey: string | undefined; answer: Answer }>();
  const byIdempotencyKey = new Map<string, string>();
  const pendingTimers = new Set<NodeJS.Timeout>();

  function remember(token: string, idempotencyKey: string | undefined, answer: Answer) {
    if (redeemed.size >= MAX_REMEMBERED) {
      const [oldest] = redeemed;
      if (oldest) {
        redeemed.delete(oldest[0]);
        if (oldest[1].idempotencyKey !== undefined) byIdempotencyKey.delete(oldest[1].idempotencyKey);
      }
    }
    redeemed.set(token, { idempotencyKey, answer });
    if (idempotencyKey !== undefined) byIdempotencyKey.set(idempotencyKey, token);
  }

  function verify(fields: Record<string, string>): Answer {
    const { secret, response: token } = fields;
    const idempotencyKey = fields.idempotency_key || undefined;
    if (!secret) return failure('missing-input-secret');
    if (!token) return failure('missing-input-response');
    if (token.length > MAX_TOKEN_LENGTH) return failure('invalid-input-response');
    switch (secret) {
      case TURNSTILE_TEST_SECRETS.alwaysFails:
        return failure('invalid-input-response');
      case TURNSTILE_TEST_SECRETS.alwaysSpent:
        return failure('timeout-or-duplicate');
      case TURNSTILE_TEST_SECRETS.alwaysPasses:
        break;
      default:
        return failure('invalid-input-secret');
    }
    if (idempotencyKey !== undefined && byIdempotencyKey.has(idempotencyKey)) {
      // A retry: the same answer as the first time. The same key with another token is a client bug.
      const first = byIdempotencyKey.get(idempotencyKey);
      const earlier = first === token ? redeemed.get(token) : undefined;
      return earlier ? earlier.answer : failure('bad-request');
    }
    if (redeemed.has(token)) return failure('timeout-or-duplicate');
    const answer: Answer = {
      success: true,
      'error-codes': [],
      challenge_ts: new Date().toISOString(),
      ...claimsOf(token),
      cdata: '',
    };
    remember(token, idempotencyKey, answer);
    return answer;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    if (path !== SITEVERIFY_PATH) return sendJson(response, 404, { error: 'not found' });
    if (request.method !== 'POST')
      return sendJson(response, 405, { error: 'method not allowed' }, { allow: 'POST' });
    const body = await readBodyText(request, MAX_BODY_BYTES);
    const fields = body.tooLarge ? undefined : parseFields(request.headers['content-type'] ?? '', body.text);
    if (fields === undefined) return sendJson(response, 200, failure('bad-request'));
    if (fields.response?.startsWith('stand-in:http-500'))
      return sendJson(response, 500, { error: 'internal error' });
    if (fields.response?.startsWith('stand-in:slow')) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          resolve();
        }, SLOW_ANSWER_MS);
        pendingTimers.add(timer);
      });
    }
    sendJson(response, 200, verify(fields));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal stand-in error' });
      else response.destroy();
    });
  });
  const baseUrl = await listen(server, options.port ?? 0, host);

  let closing: Promise<void> | undefined;
  return {
    url: `${baseUrl}${SITEVERIFY_PATH}`,
    close: () => {
      closing ??= (async () => {
        for (const timer of pendingTimers) clearTimeout(timer);
        await closeServer(server);
      })();
      return closing;
    },
  };
}

function claimsOf(token: string): { hostname: string; action: string } {
  if (token.startsWith(SOLVED_TOKEN_PREFIX)) {
    const params = new URLSearchParams(token.slice(SOLVED_TOKEN_PREFIX.length));
    return { hostname: params.get('hostname') ?? DUMMY_HOSTNAME, action: params.get('action') ?? '' };
  }
  if (token.includes('DUMMY.TOKEN') || token.startsWith('stand-in:slow'))
    return { hostname: DUMMY_HOSTNAME, action: 'otp-request' };
  if (token === 'wrong-action' || token.startsWith('wrong-action.'))
    return { hostname: DUMMY_HOSTNAME, action: 'other' };
  return { hostname: DUMMY_HOSTNAME, action: '' };
}

function failure(code: string): Answer {
  return { success: false, 'error-codes': [code] };
}

/** Siteverify takes form-encoded or JSON bodies; other shapes are a bad request. */
function parseFields(contentType: string, body: string): Record<string, string> | undefined {
  if (/^application\/json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') fields[name] = value;
      return fields;
    } catch {
      return undefined;
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType))
    return Object.fromEntries(new URLSearchParams(body));
  return undefined;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}
