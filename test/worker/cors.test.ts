import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { testApp, testEnv, uniquePhone } from './support/stack.ts';

const ALLOWED = 'https://app.example.com';
const ALSO_ALLOWED = 'http://localhost:5173';
const API_KEY = 'test-api-key-0123456789abcdef';

function preflight(origin: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, cf-turnstile-response',
    },
  };
}

describe('CORS: only the configured origins may call from a browser', () => {
  it('an allowed origin gets Access-Control-Allow-Origin echoing it, on success and on errors', async () => {
    const app = testApp({ CORS_ORIGINS: `${ALLOWED}, ${ALSO_ALLOWED}` });
    const sent = await app.post('/otp/request', { phone: uniquePhone() }, { origin: ALSO_ALLOWED });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('access-control-allow-origin')).toBe(ALSO_ALLOWED);
    expect(sent.headers.get('vary')).toMatch(/origin/i);
    expect(sent.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
    expect(sent.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);

    // A page must be able to read why it was refused.
    const refused = await app.post('/otp/request', { phone: '12' }, { origin: ALLOWED });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const missing = await app.call('/nowhere', { headers: { origin: ALLOWED } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it.each([
    'https://evil.example',
    'http://app.example.com',
    'https://app.example.com.evil.example',
    'https://app.example.com:8443',
    'null',
  ])('another origin (%s) gets no Access-Control-Allow-Origin', async (origin) => {
    const app = testApp({ CORS_ORIGINS: ALLOWED });
    const response = await app.call('/health', { headers: { origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('without CORS_ORIGINS (the default) no origin is allowed', async () => {
    const app = testApp();
    const response = await app.call('/health', { headers: { origin: ALLOWED } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await app.call('/otp/request', preflight(ALLOWED))).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('preflight from an allowed origin: 204 with the methods, headers and max-age', async () => {
    const app = testApp({ CORS_ORIGINS: ALLOWED });
    const response = await app.call('/otp/request', preflight(ALLOWED));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual([
      'POST',
      'GET',
      'DELETE',
      'OPTIONS',
    ]);
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual([
      'content-type',
      'authorization',
      'cf-turnstile-response',
      'x-request-id',
    ]);
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('preflight from another origin has no Access-Control-Allow-Origin', async () => {
    const app = testApp({ CORS_ORIGINS: ALLOWED });
    const response = await app.call('/otp/request', preflight('https://evil.example'));
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflight on a misconfigured service answers without crashing and allows nothing', async () => {
    const app = testApp({ CORS_ORIGINS: ALLOWED, OTP_SECRET: 'too-short' });
    const response = await app.call('/otp/request', preflight(ALLOWED));
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await app.post('/otp/request', { phone: uniquePhone() }, { origin: ALLOWED })).status).toBe(503);
  });

  it('a server caller without Origin gets no CORS headers', async () => {
    const app = testApp({ CORS_ORIGINS: ALLOWED, API_KEYS: API_KEY });
    const response = await app.post(
      '/otp/request',
      { phone: uniquePhone() },
      { authorization: `Bearer ${API_KEY}` },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
    // Still varies on Origin: a cache must not hand this answer to a page that sent one.
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('a preflight is an empty 204 that varies on Origin and on the requested headers', async () => {
    const app = testApp({ CORS_ORIGINS: ALLOWED });
    const response = await app.call('/otp/verify', preflight(ALLOWED));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('vary')).toMatch(/origin/i);
    expect(response.headers.get('vary')).toMatch(/access-control-request-headers/i);
    expect(response.headers.get('access-control-expose-headers')).toBe('retry-after,x-request-id');
    // The envelope's headers are on it too.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    '*',
    'https://app.example.com/',
    'https://app.example.com/path',
    'app.example.com',
    'HTTPS://APP.EXAMPLE.COM',
    'https://app.example.com:443',
    'ftp://app.example.com',
  ])('CORS_ORIGINS refuses %j: only exact origins', (origin) => {
    const parsed = parseConfig(testEnv({ CORS_ORIGINS: `${ALLOWED},${origin}` }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join()).toContain('CORS_ORIGINS');
  });
});

describe('response headers', () => {
  it('every response carries the secure headers and x-request-id, errors included', async () => {
    const app = testApp({ API_KEYS: API_KEY });
    const responses = {
      ok: await app.call('/health'),
      notFound: await app.call('/nowhere'),
      unauthorized: await app.post(
        '/otp/request',
        { phone: uniquePhone() },
        { authorization: 'Bearer nope' },
      ),
      invalid: await app.post('/otp/request', { phone: 42 }),
      unavailable: await testApp({
        TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
        TURNSTILE_SITEVERIFY_URL: 'http://127.0.0.1:9/siteverify',
      }).post('/otp/request', { phone: uniquePhone(), turnstileToken: 'XXXX.DUMMY.TOKEN.XXXX' }),
    };
    expect(
      Object.fromEntries(Object.entries(responses).map(([name, response]) => [name, response.status])),
    ).toEqual({
      ok: 200,
      notFound: 404,
      unauthorized: 401,
      invalid: 400,
      unavailable: 503,
    });
    for (const [name, response] of Object.entries(responses)) {
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), name).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), name).toMatch(/max-age=\d+/);
      expect(response.headers.get('x-request-id'), name).toMatch(/^[0-9a-f-]{36}$/);
      // No global CSP: the HTML pages set their own.
      expect(response.headers.get('content-security-policy'), name).toBeNull();
      expect(response.headers.get('content-type'), name).toMatch(/^application\/json/);
    }
  });
});
