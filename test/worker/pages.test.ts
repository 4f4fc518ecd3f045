import { describe, expect, it } from 'vitest';
import { SCALAR_SCRIPT } from '../../src/docs/docs-page.ts';
import { testApp } from './support/stack.ts';

const PRODUCTION = { ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US,CA' };

function cspOf(response: Response): Map<string, string[]> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts): parts is [string, ...string[]] => parts[0] !== undefined && parts[0] !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** Every `nonce="…"` attribute in the page. */
function noncesIn(page: string): string[] {
  return [...page.matchAll(/\snonce="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('demo page (GET /)', () => {
  it('is served in test and development, with a strict nonce-based CSP that matches the page', async () => {
    const app = testApp();
    const response = await app.call('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const csp = cspOf(response);
    const scriptSources = csp.get('script-src') ?? [];
    expect(scriptSources).toHaveLength(1);
    const nonce = /^'nonce-([A-Za-z0-9+/=]{24})'$/.exec(scriptSources[0] ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(csp.get('style-src')).toEqual([`'nonce-${nonce}'`]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);

    const page = await response.text();
    expect(noncesIn(page)).toEqual([nonce, nonce]);
    // Without Turnstile nothing outside this origin is referenced.
    expect(page).not.toMatch(/(src|href)="https?:/);
    expect(page).toContain('autocomplete="one-time-code"');
  });

  it('uses a fresh nonce for every response', async () => {
    const app = testApp();
    const first = cspOf(await app.call('/')).get('script-src');
    const second = cspOf(await app.call('/')).get('script-src');
    expect(first).not.toEqual(second);
  });

  it('sizes the code field to OTP_LENGTH', async () => {
    const page = await (await testApp({ OTP_LENGTH: '8' }).call('/')).text();
    expect(page).toContain('data-otp-length="8"');
    expect(page).toMatch(/<input id="code"[^>]*pattern="\[0-9\]\{8\}" maxlength="8"/);
  });

  it('escapes the app name', async () => {
    const page = await (await testApp({ APP_NAME: '<b>"Acme" & Co</b>' }).call('/')).text();
    expect(page).toContain('<h1>&lt;b&gt;&quot;Acme&quot; &amp; Co&lt;/b&gt;</h1>');
    expect(page).not.toContain('<b>"Acme"');
  });

  it('loads the Turnstile widget only when a site key is configured, and allows exactly it', async () => {
    const app = testApp({
      TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA',
      TURNSTILE_SITE_KEY: '1x00000000000000000000AA',
    });
    const response = await app.call('/');
    const csp = cspOf(response);
    expect(csp.get('script-src')).toContain('https://challenges.cloudflare.com');
    expect(csp.get('frame-src')).toEqual(['https://challenges.cloudflare.com']);
    const page = await response.text();
    expect(page).toContain('data-turnstile-site-key="1x00000000000000000000AA"');
    expect(page).toContain('data-turnstile-action="otp-request"');
    expect(page).toMatch(
      /<script nonce="[^"]+" src="https:\/\/challenges\.cloudflare\.com\/turnstile\/v0\/api\.js/,
    );
  });

  it('is a JSON 404 when DEMO_PAGE is off, and off by default in staging and production', async () => {
    const settings: Record<string, string>[] = [{ DEMO_PAGE: 'off' }, { ENVIRONMENT: 'staging' }, PRODUCTION];
    for (const overrides of settings) {
      const response = await testApp(overrides).call('/');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await testApp({ ...PRODUCTION, DEMO_PAGE: 'on' }).call('/')).status).toBe(200);
  });
});

describe('API reference (GET /docs)', () => {
  it('loads Scalar pinned with Subresource Integrity and lets it fetch only this origin', async () => {
    const response = await testApp().call('/docs');
    expect(response.status).toBe(200);
    const csp = cspOf(response);
    const nonce = /^'nonce-(.+)'$/.exec(csp.get('script-src')?.[0] ?? '')?.[1];
    expect(csp.get('script-src')).toHaveLength(1);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    const page = await response.text();
    expect(noncesIn(page)).toEqual([nonce, nonce]);
    expect(SCALAR_SCRIPT.url).toMatch(/@scalar\/api-reference@\d+\.\d+\.\d+\//);
    expect(page).toContain(
      `src="${SCALAR_SCRIPT.url}" integrity="${SCALAR_SCRIPT.integrity}" crossorigin="anonymous"`,
    );
    expect(page).toContain('"url":"/openapi.json"');
    expect(page).toContain('"telemetry":false');
  });

  it('is on by default except in production, and DOCS_PAGE decides', async () => {
    expect((await testApp({ ENVIRONMENT: 'staging' }).call('/docs')).status).toBe(200);
    expect((await testApp({ DOCS_PAGE: 'off' }).call('/docs')).status).toBe(404);
    expect((await testApp(PRODUCTION).call('/docs')).status).toBe(404);
    expect((await testApp({ ...PRODUCTION, DOCS_PAGE: 'on' }).call('/docs')).status).toBe(200);
  });

  it('refuses to start with a DOCS_PAGE or DEMO_PAGE that is neither on nor off', async () => {
    const response = await testApp({ DOCS_PAGE: 'sometimes' }).call('/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'misconfigured' } });
  });
});
