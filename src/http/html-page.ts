import type { Context } from 'hono';
import type { RandomSource } from '../otp/ports.ts';

/** CSP directive name → sources, e.g. `{ 'script-src': ["'nonce-…'"] }`. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * What every HTML page of this origin starts from: nothing may load, post or frame unless the page
 * adds it. The API itself answers JSON, which browsers do not execute, so only pages carry a CSP.
 */
const BASE_POLICY: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** 128 random bits per response (CSP Level 3 asks for at least that), base64. */
export function createCspNonce(random: RandomSource): string {
  const bytes = new Uint8Array(16);
  random.fill(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(directives: CspDirectives): string {
  return Object.entries({ ...BASE_POLICY, ...directives })
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * Sends an HTML page with its own strict, nonce-based policy (the global secure headers set no CSP).
 * `no-store`: a cached copy would replay the nonce.
 */
export function sendHtmlPage(c: Context, page: string | Promise<string>, csp: CspDirectives) {
  c.header('Content-Security-Policy', contentSecurityPolicy(csp));
  c.header('Cache-Control', 'no-store');
  return c.html(page);
}
