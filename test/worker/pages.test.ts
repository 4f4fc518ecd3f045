import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_ASSETS } from '../../src/pages/demo/demo-page.ts';
import { DOCS_ASSETS } from '../../src/pages/docs/docs-page.ts';
import { testApp } from './support/stack.ts';

const PRODUCTION = { ENVIRONMENT: 'production', ALLOWED_COUNTRIES: 'US,CA' };

/** The Worker's static assets as Cloudflare serves them (test/wrangler.test.toml binds them for tests). */
const assets = (env as unknown as { ASSETS: Fetcher }).ASSETS;
const fetchAsset = (pathname: string) => assets.fetch(new URL(pathname, 'https://otp.test'));

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

/** Every script and stylesheet URL the page loads. */
function loadedBy(page: string): { scripts: string[]; styles: string[] } {
  return {
    scripts: [...page.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? ''),
    styles: [...page.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(
      (match) => match[1] ?? '',
    ),
  };
}

/** What `script-src 'self'` / `style-src 'self'` would block: inline code, handlers, style attributes. */
function inlineCodeIn(page: string): string[] {
  return [
    ...page.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>/g),
    ...page.matchAll(/<style\b[^>]*>/g),
    ...page.matchAll(/\son[a-z]+="[^"]*"/g),
    ...page.matchAll(/\sstyle="[^"]*"/g),
    ...page.matchAll(/javascript:/g),
  ].map((match) => match[0]);
}

async function expectServedAsset(pathname: string, contentType: RegExp) {
  const response = await fetchAsset(pathname);
  expect(response.status, pathname).toBe(200);
  expect(response.headers.get('content-type'), pathname).toMatch(contentType);
  expect((await response.arrayBuffer()).byteLength, pathname).toBeGreaterThan(100);
}

describe('demo page (GET /)', () => {
  it('is served in test and development under a CSP that allows this origin only, and has no inline code', async () => {
    const response = await testApp().call('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const csp = cspOf(response);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);

    const page = await response.text();
    expect(inlineCodeIn(page)).toEqual([]);
    expect(loadedBy(page)).toEqual({ scripts: [DEMO_ASSETS.script], styles: [DEMO_ASSETS.style] });
    // Without Turnstile nothing outside this origin is referenced.
    expect(page).not.toMatch(/(src|href)="https?:/);
    expect(page).toContain('autocomplete="one-time-code"');
  });

  it('loads a script and a style that the static assets really serve', async () => {
    await expectServedAsset(DEMO_ASSETS.script, /^(text|application)\/javascript/);
    await expectServedAsset(DEMO_ASSETS.style, /^text\/css/);
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
    expect(csp.get('script-src')).toEqual(["'self'", 'https://challenges.cloudflare.com']);
    expect(csp.get('frame-src')).toEqual(['https://challenges.cloudflare.com']);
    const page = await response.text();
    expect(inlineCodeIn(page)).toEqual([]);
    expect(page).toContain('data-turnstile-site-key="1x00000000000000000000AA"');
    expect(page).toContain('data-turnstile-action="otp-request"');
    expect(loadedBy(page).scripts).toEqual([
      DEMO_ASSETS.script,
      'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit&amp;onload=otpDemoTurnstileReady',
    ]);
  });

  it('points to the sandbox inbox when SANDBOX_INBOX_URL is set, escaped, and never in production', async () => {
    const inbox = 'http://127.0.0.1:8790/?a=1&b="2"';
    const page = await (await testApp({ SANDBOX_INBOX_URL: inbox }).call('/')).text();
    expect(page).toContain(
      '<a href="http://127.0.0.1:8790/?a=1&amp;b=&quot;2&quot;" target="_blank" rel="noopener">',
    );
    expect(page).toContain('the SMS went to the Plivo sandbox');

    expect(await (await testApp().call('/')).text()).not.toContain('sandbox-inbox');
    const production = { ...PRODUCTION, DEMO_PAGE: 'on', SANDBOX_INBOX_URL: 'http://127.0.0.1:8790/' };
    const productionPage = await (await testApp(production).call('/')).text();
    expect(productionPage).toContain('id="verify-form"');
    expect(productionPage).not.toContain('127.0.0.1:8790');
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
  it('loads Scalar from this origin only, under a CSP without inline scripts, and lets it fetch only this origin', async () => {
    const response = await testApp().call('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = cspOf(response);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);

    const page = await response.text();
    expect(inlineCodeIn(page)).toEqual([]);
    expect(loadedBy(page)).toEqual({
      scripts: [DOCS_ASSETS.scalar, DOCS_ASSETS.script],
      styles: [DOCS_ASSETS.style],
    });
    expect(page).not.toMatch(/(src|href)="https?:/);
  });

  it('shows a link to /openapi.json in plain HTML, so a script that fails never leaves a blank page', async () => {
    const page = await (await testApp({ APP_NAME: 'Acme' }).call('/docs')).text();
    const fallback = /<main id="docs-fallback">([\s\S]*?)<\/main>/.exec(page)?.[1] ?? '';
    expect(fallback).toContain('<h1>Acme API reference</h1>');
    expect(fallback).toContain('<a href="/openapi.json">/openapi.json</a>');
    expect(fallback).toContain('<noscript>');
  });

  it("serves Scalar's standalone build and the page's own script and style from the static assets", async () => {
    await expectServedAsset(DOCS_ASSETS.scalar, /^(text|application)\/javascript/);
    await expectServedAsset(DOCS_ASSETS.script, /^(text|application)\/javascript/);
    await expectServedAsset(DOCS_ASSETS.style, /^text\/css/);
    const scalar = await (await fetchAsset(DOCS_ASSETS.scalar)).text();
    expect(scalar).toContain('createApiReference');
    // Its 20 MB source map is not shipped, so the file must not point to one.
    expect(scalar).not.toMatch(/sourceMappingURL=/);
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

describe('static assets', () => {
  it('hold nothing for the pages themselves, so their HTML always comes from the Worker and its switches', async () => {
    for (const pathname of ['/', '/docs', '/index.html', '/docs/index.html']) {
      expect((await fetchAsset(pathname)).status, pathname).toBe(404);
    }
  });
});
