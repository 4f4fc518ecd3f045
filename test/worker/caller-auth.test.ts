import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { digestApiKeys, matchApiKey } from '../../src/auth/api-keys.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { AppEnv, Caller } from '../../src/http/app-env.ts';
import { resolveClientIp, UNKNOWN_CLIENT_IP } from '../../src/http/client-ip.ts';
import { identifyCaller } from '../../src/http/middleware/caller-auth.ts';
import { parseIpLiteral } from '../../src/net/ip-literal.ts';
import {
  countRoundTrips,
  latestCode,
  sandboxMessages,
  startVerification,
  testApp,
  testEnv,
  uniquePhone,
} from './support/stack.ts';

const API_KEY = 'test-api-key-0123456789abcdef';
const SECOND_API_KEY = 'test-api-key-second-000000000';
const ADMIN_KEY = 'test-admin-key-0123456789abcd';
const UNKNOWN_KEY = 'test-api-key-nobody-issued-00';
const PASSING_TURNSTILE_SECRET = '1x0000000000000000000000000000000AA';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; scope?: string; issues?: unknown } }).error;
}

describe('server callers (API keys)', () => {
  it('a valid API key sends a code without a Turnstile token, while browsers still need one', async () => {
    const app = testApp({
      API_KEYS: `${API_KEY},${SECOND_API_KEY}`,
      TURNSTILE_SECRET_KEY: PASSING_TURNSTILE_SECRET,
    });
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone }, bearer(SECOND_API_KEY));
    expect(response.status).toBe(200);
    expect(await latestCode(phone)).toMatch(/^\d{6}$/);

    const browserPhone = uniquePhone();
    const browser = await app.post('/otp/request', { phone: browserPhone });
    expect(browser.status).toBe(403);
    expect(await sandboxMessages(browserPhone)).toEqual([]);
  });

  it('an admin key is also a valid API key', async () => {
    const app = testApp({ ADMIN_API_KEYS: ADMIN_KEY, REQUIRE_API_KEY: 'true' });
    const phone = uniquePhone();
    expect((await app.post('/otp/request', { phone }, bearer(ADMIN_KEY))).status).toBe(200);
    expect(await sandboxMessages(phone)).toHaveLength(1);
  });

  it.each([
    ['an unknown key', `Bearer ${UNKNOWN_KEY}`],
    ['a valid key with one character changed', `Bearer ${API_KEY.slice(0, -1)}0`],
    ['a valid key with a suffix', `Bearer ${API_KEY}x`],
    ['another scheme', `Basic ${btoa(`user:${API_KEY}`)}`],
    ['a bare key without the scheme', API_KEY],
    ['an empty bearer token', 'Bearer '],
    ['an empty header', ''],
  ])(
    '%s is 401 unauthorized with WWW-Authenticate: Bearer, costs no store round trip, and sends nothing',
    async (_, authorization) => {
      const app = testApp({ API_KEYS: API_KEY });
      const phone = uniquePhone();
      const { result: response, roundTrips } = await countRoundTrips(() =>
        app.post('/otp/request', { phone }, { authorization }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(await errorOf(response)).toMatchObject({ code: 'unauthorized' });
      expect(roundTrips).toBe(0);
      expect(await sandboxMessages(phone)).toEqual([]);
    },
  );

  it('a wrong key is refused even where no key is required (no silent downgrade to a browser caller)', async () => {
    const app = testApp();
    const response = await app.post(
      '/otp/verify',
      { phone: uniquePhone(), code: '123456' },
      bearer(UNKNOWN_KEY),
    );
    expect(response.status).toBe(401);
  });

  it('REQUIRE_API_KEY=true: /otp/* without a key is 401 and sends nothing; with a key it works', async () => {
    const app = testApp({ API_KEYS: API_KEY, REQUIRE_API_KEY: 'true' });
    const phone = uniquePhone();
    const refused = await app.post('/otp/request', { phone });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(await sandboxMessages(phone)).toEqual([]);
    expect((await app.post('/otp/verify', { phone, code: '123456' })).status).toBe(401);

    const verificationId = await startVerification(app, phone, bearer(API_KEY));
    const code = await latestCode(phone);
    expect((await app.post('/otp/verify', { verificationId, code }, bearer(API_KEY))).status).toBe(200);
  });

  it('public routes never require a key and ignore a wrong one', async () => {
    const app = testApp({ API_KEYS: API_KEY, REQUIRE_API_KEY: 'true' });
    for (const path of ['/health', '/.well-known/jwks.json', '/openapi.json']) {
      expect((await app.call(path)).status, path).toBe(200);
      expect((await app.call(path, { headers: bearer(UNKNOWN_KEY) })).status, path).toBe(200);
    }
  });

  it("a server caller's X-End-User-IP is the end user's IP for the per-IP send limit", async () => {
    const app = testApp({ API_KEYS: API_KEY, RATE_LIMIT_SEND_PER_IP: '1/1h' });
    const send = (endUserIp: string) =>
      app.post('/otp/request', { phone: uniquePhone() }, { ...bearer(API_KEY), 'x-end-user-ip': endUserIp });
    // Same backend (same CF-Connecting-IP), different end users: separate limits.
    expect((await send('192.0.2.10')).status).toBe(200);
    expect((await send('2001:db8::10')).status).toBe(200);
    // The same end user again, spelled differently: one limit.
    const again = await send('2001:0db8:0:0:0:0:0:10');
    expect(again.status).toBe(429);
    expect(await errorOf(again)).toMatchObject({ code: 'rate_limited', scope: 'ip' });
  });

  it('an invalid X-End-User-IP from a server caller is 400 invalid_request and sends nothing', async () => {
    const app = testApp({ API_KEYS: API_KEY });
    const phone = uniquePhone();
    const response = await app.post(
      '/otp/request',
      { phone },
      { ...bearer(API_KEY), 'x-end-user-ip': '1.2.3.4, 5.6.7.8' },
    );
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: 'invalid_request',
      issues: [{ field: 'X-End-User-IP', problem: expect.any(String) }],
    });
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('X-End-User-IP without a key is ignored, not refused, and does not pick the limit', async () => {
    const app = testApp({ API_KEYS: API_KEY, RATE_LIMIT_SEND_PER_IP: '1/1h' });
    const first = await app.post('/otp/request', { phone: uniquePhone() }, { 'x-end-user-ip': 'not an ip' });
    expect(first.status).toBe(200);
    const second = await app.post(
      '/otp/request',
      { phone: uniquePhone() },
      { 'x-end-user-ip': '192.0.2.99' },
    );
    expect(second.status).toBe(429);
  });
});

describe('API keys in the config', () => {
  it('the parsed config holds no API key, only digests', () => {
    const parsed = parseConfig(
      testEnv({ API_KEYS: `${API_KEY}, ${SECOND_API_KEY}`, ADMIN_API_KEYS: ADMIN_KEY }),
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const strings = collectStrings(parsed.config);
    for (const key of [API_KEY, SECOND_API_KEY, ADMIN_KEY]) {
      expect(strings.some((text) => text.includes(key))).toBe(false);
    }
    expect(parsed.config.access.apiKeys).toHaveLength(3);
    expect(parsed.config.access.apiKeys.map((entry) => entry.admin)).toEqual([false, false, true]);
  });

  it.each([
    ['API_KEYS', `${API_KEY},short-key`],
    ['API_KEYS', 'a key with spaces in it, and commas'],
    ['ADMIN_API_KEYS', 'x'.repeat(257)],
    ['ADMIN_API_KEYS', `${ADMIN_KEY}\u00e9`],
  ])('refuses %s with a bad key, naming the setting but never the key', (name, value) => {
    const parsed = parseConfig(testEnv({ [name]: value }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const problems = parsed.problems.join('\n');
    expect(problems).toContain(name);
    for (const key of value.split(',')) expect(problems).not.toContain(key.trim());
  });

  it('refuses REQUIRE_API_KEY=true with no keys: nobody could use the API', () => {
    const parsed = parseConfig(testEnv({ REQUIRE_API_KEY: 'true' }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join()).toContain('REQUIRE_API_KEY');
    expect(parseConfig(testEnv({ REQUIRE_API_KEY: 'maybe', API_KEYS: API_KEY })).ok).toBe(false);
  });

  it('an admin key matches with admin: true, a plain key with admin: false, anything else not at all', async () => {
    const plain = digestApiKeys(API_KEY, false);
    const admin = digestApiKeys(`${ADMIN_KEY},${API_KEY}`, true);
    if (!plain.ok || !admin.ok) throw new Error('keys refused');
    const accepted = [...plain.digests, ...admin.digests.slice(0, 1)];
    // keyId: the key's digest, which names it to the guard's per-key budget (never the key itself).
    const apiKeyId = plain.digests[0]?.sha256Hex;
    const adminKeyId = admin.digests[0]?.sha256Hex;
    expect(await matchApiKey(API_KEY, accepted)).toEqual({ admin: false, keyId: apiKeyId });
    expect(await matchApiKey(ADMIN_KEY, accepted)).toEqual({ admin: true, keyId: adminKeyId });
    expect(await matchApiKey(UNKNOWN_KEY, accepted)).toBeUndefined();
    expect(await matchApiKey('', accepted)).toBeUndefined();
    expect(await matchApiKey(API_KEY, [])).toBeUndefined();
    // Listed both ways: admin wins, whichever list comes first.
    expect(await matchApiKey(API_KEY, [...plain.digests, ...admin.digests])).toEqual({
      admin: true,
      keyId: apiKeyId,
    });
    expect(await matchApiKey(API_KEY, [...admin.digests, ...plain.digests])).toEqual({
      admin: true,
      keyId: apiKeyId,
    });
  });
});

/**
 * identifyCaller as the app runs it, after the config is loaded; the route only shows what it
 * decided. The verify route will hand `caller.receiptAudience` to the receipt signer.
 */
function callerOf(env: Record<string, string>) {
  const loaded = parseConfig(testEnv(env));
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('config', loaded.config);
      c.set('log', {});
      await next();
    })
    .use(identifyCaller())
    .post('/otp/verify', (c) => c.json(c.get('caller')))
    .onError((error) => {
      throw error;
    });
  return async (headers: Record<string, string> = {}) => {
    const response = await app.request('/otp/verify', { method: 'POST', headers });
    return { status: response.status, caller: (await response.json()) as Caller };
  };
}

describe("the audience of a caller's receipts", () => {
  const AUDIENCES = {
    API_KEYS: `${API_KEY}@https://shop.example.com/login, ${SECOND_API_KEY}`,
    ADMIN_API_KEYS: `${ADMIN_KEY}@admin-console`,
    RECEIPT_AUDIENCE: 'test-backend',
  };

  it("is the key's own audience for a key that names one, else the deployment's", async () => {
    const identify = callerOf(AUDIENCES);
    expect(await identify(bearer(API_KEY))).toEqual({
      status: 200,
      caller: {
        kind: 'server',
        admin: false,
        receiptAudience: 'https://shop.example.com/login',
        keyId: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect((await identify(bearer(SECOND_API_KEY))).caller.receiptAudience).toBe('test-backend');
    expect((await identify(bearer(ADMIN_KEY))).caller).toEqual({
      kind: 'server',
      admin: true,
      receiptAudience: 'admin-console',
      keyId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await identify()).caller).toEqual({ kind: 'browser', receiptAudience: 'test-backend' });
  });

  it('the audience is not part of the key: presenting key@audience is an unknown key', async () => {
    const identify = callerOf(AUDIENCES);
    expect((await identify(bearer(`${API_KEY}@https://shop.example.com/login`))).status).toBe(401);
    expect((await identify(bearer(`${SECOND_API_KEY}@another-app`))).status).toBe(401);
  });

  it('outside production an unset RECEIPT_AUDIENCE names the environment, never nothing', async () => {
    const { RECEIPT_AUDIENCE: _, ...withoutAudience } = testEnv();
    const parsed = parseConfig({ ...withoutAudience, ENVIRONMENT: 'staging' });
    expect(parsed.ok && parsed.config.receipt.audience).toBe('otp-edge-staging');
    const development = parseConfig({ ...withoutAudience, ENVIRONMENT: 'development' });
    expect(development.ok && development.config.receipt.audience).toBe('otp-edge-development');
  });

  it('production refuses to start without RECEIPT_AUDIENCE, naming it', () => {
    const { RECEIPT_AUDIENCE: _, ...withoutAudience } = testEnv();
    const production = { ...withoutAudience, ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US' };
    const refused = parseConfig(production);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.problems).toEqual([expect.stringMatching(/^RECEIPT_AUDIENCE: production needs/)]);
    expect(parseConfig({ ...production, RECEIPT_AUDIENCE: '' }).ok).toBe(false);
    const set = parseConfig({ ...production, RECEIPT_AUDIENCE: 'my-backend' });
    expect(set.ok && set.config.receipt.audience).toBe('my-backend');
  });

  it.each([
    ['API_KEYS', `${API_KEY}@`, 'an empty audience'],
    ['API_KEYS', `${API_KEY}@two words`, 'a space'],
    ['API_KEYS', `${API_KEY}@caf\u00e9`, 'non-ASCII'],
    ['API_KEYS', `${API_KEY}@${'a'.repeat(201)}`, '201 characters'],
    ['API_KEYS', '@my-backend', 'no key before the @'],
    ['RECEIPT_AUDIENCE', 'my backend', 'a space'],
    ['RECEIPT_AUDIENCE', 'a,b', 'a comma'],
    ['RECEIPT_AUDIENCE', 'x'.repeat(201), '201 characters'],
  ])('refuses %s=%j (%s), naming the setting but never the key', (name, value) => {
    const parsed = parseConfig(testEnv({ [name]: value }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toContain(name);
    expect(parsed.problems.join('\n')).not.toContain(API_KEY);
  });

  it('splits at the first @ (a key never holds one), so an audience may contain @', () => {
    const parsed = parseConfig(testEnv({ ADMIN_API_KEYS: ` ${ADMIN_KEY} @ ops@example.com ` }));
    expect(parsed.ok && parsed.config.access.apiKeys[0]?.audience).toBe('ops@example.com');
  });

  it('refuses a key listed twice with different audiences, and takes it twice with the same one', () => {
    const conflicting = parseConfig(
      testEnv({ API_KEYS: `${API_KEY}@shop`, ADMIN_API_KEYS: `${ADMIN_KEY},${API_KEY}@console` }),
    );
    expect(conflicting.ok).toBe(false);
    if (!conflicting.ok) expect(conflicting.problems.join()).toMatch(/key 3 .* another audience/);
    const unbound = parseConfig(testEnv({ API_KEYS: `${API_KEY}@shop`, ADMIN_API_KEYS: API_KEY }));
    expect(unbound.ok).toBe(false);
    const same = parseConfig(testEnv({ API_KEYS: `${API_KEY}@shop`, ADMIN_API_KEYS: `${API_KEY}@shop` }));
    expect(same.ok).toBe(true);
  });
});

describe('client IP', () => {
  const browser: Caller = { kind: 'browser', receiptAudience: 'test-backend' };
  const server: Caller = {
    kind: 'server',
    admin: false,
    receiptAudience: 'test-backend',
    keyId: 'a'.repeat(64),
  };
  const resolve = (headers: Record<string, string>, caller: Caller) =>
    resolveClientIp(new Headers(headers), caller);

  it('comes from CF-Connecting-IP only: X-Forwarded-For, X-Real-IP, True-Client-IP and Forwarded are ignored', () => {
    const spoofed = {
      'x-forwarded-for': '192.0.2.1',
      'x-real-ip': '192.0.2.2',
      'true-client-ip': '192.0.2.3',
      forwarded: 'for=192.0.2.4',
      'x-client-ip': '192.0.2.5',
    };
    expect(resolve({ 'cf-connecting-ip': '203.0.113.7', ...spoofed }, browser)).toEqual({
      ok: true,
      ip: '203.0.113.7',
    });
    expect(resolve({ 'cf-connecting-ip': '203.0.113.7', ...spoofed }, server)).toEqual({
      ok: true,
      ip: '203.0.113.7',
    });
    expect(resolve(spoofed, browser)).toEqual({ ok: true, ip: UNKNOWN_CLIENT_IP });
  });

  it('without a usable CF-Connecting-IP every request shares one fixed IP', () => {
    expect(resolve({}, browser)).toEqual({ ok: true, ip: UNKNOWN_CLIENT_IP });
    expect(resolve({ 'cf-connecting-ip': 'evil.example' }, browser)).toEqual({
      ok: true,
      ip: UNKNOWN_CLIENT_IP,
    });
    expect(resolve({ 'cf-connecting-ip': '' }, browser)).toEqual({ ok: true, ip: UNKNOWN_CLIENT_IP });
  });

  it('X-End-User-IP counts only from a server caller', () => {
    const headers = { 'cf-connecting-ip': '203.0.113.7', 'x-end-user-ip': '198.51.100.4' };
    expect(resolve(headers, browser)).toEqual({ ok: true, ip: '203.0.113.7' });
    expect(resolve(headers, server)).toEqual({ ok: true, ip: '198.51.100.4' });
    expect(resolve({ ...headers, 'x-end-user-ip': 'garbage' }, browser)).toEqual({
      ok: true,
      ip: '203.0.113.7',
    });
  });

  it('an invalid X-End-User-IP from a server caller is an error, never a fallback', () => {
    for (const value of ['', 'garbage', '1.2.3.4, 5.6.7.8', '1.2.3.4:443', '[2001:db8::1]', 'fe80::1%eth0']) {
      expect(resolve({ 'cf-connecting-ip': '203.0.113.7', 'x-end-user-ip': value }, server).ok, value).toBe(
        false,
      );
    }
  });

  it('accepts IPv4 dotted decimal and IPv6 literals, and spells IPv6 one canonical way', () => {
    expect(parseIpLiteral('192.0.2.1')).toBe('192.0.2.1');
    expect(parseIpLiteral('0.0.0.0')).toBe('0.0.0.0');
    expect(parseIpLiteral('255.255.255.255')).toBe('255.255.255.255');
    expect(parseIpLiteral('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(parseIpLiteral('2001:db8::1')).toBe('2001:db8::1');
    expect(parseIpLiteral('::1')).toBe('::1');
    expect(parseIpLiteral('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it.each([
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '0x7f.0.0.1',
    '127.1',
    '2130706433',
    ' ',
    'localhost',
    '1:2:3:4:5:6:7:8:9',
    '2001:db8:::1',
    '::g',
    'fe80::1%25eth0',
    `${'1:'.repeat(30)}1`,
  ])('refuses %j as an IP literal', (value) => {
    expect(parseIpLiteral(value)).toBeUndefined();
  });
});

/** Every string anywhere in a value: object fields, arrays, sets and maps. */
function collectStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (value instanceof Map) for (const [key, inner] of value) collectStrings([key, inner], found);
  else if (value instanceof Set) for (const inner of value) collectStrings(inner, found);
  else if (value && typeof value === 'object')
    for (const inner of Object.values(value)) collectStrings(inner, found);
  return found;
}
