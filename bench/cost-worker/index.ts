/**
 * `npm run bench:costs`' Worker: the pieces a verify is made of, each alone, so workerd's CPU for
 * each can be read as a price (bench/costs.ts).
 *
 * Over HTTP, one piece per request, measured against `GET /` (a hello-world answer):
 * - `POST /body`: read and parse a JSON body the size of a verify's.
 * - `GET /headers`: answer with as many headers as otp-edge's answers carry.
 * - `GET /log`: write one JSON log line the size of otp-edge's.
 * - `GET /store?size=small|verify`: one subrequest to the store's REST server, a `PING` or a
 *   command and reply the size of a verify's script call.
 *
 * In the isolate, `GET /loop?op=…&n=…` runs one operation n times in one request (its price is the
 * request's CPU over n): Web Crypto's HMAC-SHA256, AES-GCM decrypt and ECDSA P-256 sign, and
 * the same decrypt failing (what a forged verification id costs), and otp-edge's own app
 * (src/app.ts) answering `GET /health` and a `POST /otp/verify` whose code is malformed (400
 * before any crypto or store call) through `app.fetch`, with no socket.
 */
import { createApp } from '../../src/app.ts';

interface CostEnv {
  STORE_URL: string;
  STORE_TOKEN: string;
  [setting: string]: unknown;
}

/** otp-edge's answer headers besides content-type: x-request-id, Hono's secure headers, vary, server-timing. */
const ANSWER_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'x-request-id': '8b0c7a3e-0a0e-4a53-9a35-2a8f1b3c4d5e',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  vary: 'Origin',
  'server-timing': 'store;dur=23, worker;dur=1, total;dur=24',
};

const LOG_LINE = {
  requestId: '8b0c7a3e-0a0e-4a53-9a35-2a8f1b3c4d5e',
  method: 'POST',
  route: '/otp/verify',
  status: 200,
  outcome: 'approved',
  country: 'GB',
  phone: '+44740012****',
  latencyMs: 24,
  storeRoundTrips: 1,
  spans: { store: 23, worker: 1, total: 24 },
};

/** About a verify's EVALSHA: the script's sha, 8 keys and 14 arguments; its reply about 400 bytes. */
const VERIFY_SIZED_COMMAND = JSON.stringify([
  'ECHO',
  `${'a'.repeat(40)} ${Array.from({ length: 22 }, (_, index) => `otp:{v:${'x'.repeat(24)}}:${index}`).join(' ')}`.slice(
    0,
    700,
  ),
]);

const app = createApp();
/** Refused for the code's shape (400) before any crypto or store call: the chain, the body, validation. */
const MALFORMED_VERIFY = JSON.stringify({ verificationId: 'A'.repeat(90), code: '12' });
const noContext = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
let keys: Promise<{ hmac: CryptoKey; aes: CryptoKey; ecdsa: CryptoKey; sealed: ArrayBuffer }> | undefined;
const DATA = new TextEncoder().encode('code\u0000verification-tag-of-about-forty-bytes\u0000123456');
const IV = new Uint8Array(12);

async function cryptoKeys() {
  const [hmac, aes, pair] = await Promise.all([
    crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]),
    crypto.subtle.importKey('raw', new Uint8Array(32).fill(9), 'AES-GCM', false, ['encrypt', 'decrypt']),
    crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ]) as Promise<CryptoKeyPair>,
  ]);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: IV }, aes, new Uint8Array(160));
  return { hmac, aes, ecdsa: pair.privateKey, sealed };
}

async function loop(op: string, n: number, env: CostEnv): Promise<boolean> {
  keys ??= cryptoKeys();
  const { hmac, aes, ecdsa, sealed } = await keys;
  const forged = new Uint8Array(sealed.byteLength).fill(1);
  for (let index = 0; index < n; index++) {
    switch (op) {
      case 'hmac':
        await crypto.subtle.sign('HMAC', hmac, DATA);
        break;
      case 'aes-decrypt':
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv: IV }, aes, sealed);
        break;
      case 'aes-decrypt-forged':
        // What a forged verification id costs: the tag does not match and Web Crypto throws.
        try {
          await crypto.subtle.decrypt({ name: 'AES-GCM', iv: IV }, aes, forged);
          return false;
        } catch {}
        break;
      case 'ecdsa-sign':
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ecdsa, DATA);
        break;
      case 'app-health': {
        const answer = await app.fetch(new Request('http://bench/health'), env, noContext);
        if (answer.status !== 200) return false;
        await answer.arrayBuffer();
        break;
      }
      case 'app-verify-malformed-code': {
        const answer = await app.fetch(
          new Request('http://bench/otp/verify', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': String(MALFORMED_VERIFY.length),
              'cf-connecting-ip': '203.0.113.9',
            },
            body: MALFORMED_VERIFY,
          }),
          env,
          noContext,
        );
        if (answer.status !== 400) return false;
        await answer.arrayBuffer();
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

export default {
  async fetch(request: Request, env: CostEnv): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/':
        return Response.json({ status: 'ok' });
      case '/body':
        await request.json();
        return Response.json({ status: 'ok' });
      case '/headers':
        return new Response('{"status":"ok"}', { headers: ANSWER_HEADERS });
      case '/log':
        console.log(JSON.stringify(LOG_LINE));
        return Response.json({ status: 'ok' });
      case '/store': {
        const verifySized = url.searchParams.get('size') === 'verify';
        const answer = await fetch(env.STORE_URL, {
          method: 'POST',
          headers: { authorization: `Bearer ${env.STORE_TOKEN}`, 'content-type': 'application/json' },
          body: verifySized ? VERIFY_SIZED_COMMAND : '["PING"]',
        });
        const reply = (await answer.json()) as { result?: unknown };
        return Response.json(
          { status: reply.result ? 'ok' : 'no reply' },
          { status: reply.result ? 200 : 502 },
        );
      }
      case '/loop': {
        const ok = await loop(
          url.searchParams.get('op') ?? '',
          Number(url.searchParams.get('n') ?? '1'),
          env,
        );
        return Response.json({ status: ok ? 'ok' : 'unexpected' }, { status: ok ? 200 : 500 });
      }
    }
    return Response.json({ status: 'not found' }, { status: 404 });
  },
};
