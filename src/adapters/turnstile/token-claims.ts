/**
 * What a passing siteverify answer says about where and for what the token was solved, checked
 * against what this service expects. Cloudflare signs these claims, but only the server can hold
 * a token to them: a token solved on someone else's page that embeds our site key (or any page of
 * a widget shared across hostnames) is as valid as ours until its `hostname` is compared, and one
 * solved for another form, or for none, until its `action` is.
 * https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */

export interface TokenClaims {
  /** The hostname of the page the challenge was solved on. */
  hostname?: string | undefined;
  /** The widget's `action`; empty when the widget set none. */
  action?: string | undefined;
}

export interface ExpectedClaims {
  allowedHostnames: readonly string[];
  action: string;
}

/** Every mismatch, as public reason codes beside Cloudflare's own; empty when the claims fit. */
export function tokenClaimMismatches(claims: TokenClaims, expected: ExpectedClaims): string[] {
  const mismatches: string[] = [];
  const hostname = (claims.hostname ?? '').toLowerCase();
  if (hostname === '' || !expected.allowedHostnames.includes(hostname)) mismatches.push('hostname-mismatch');
  // An empty action is no action at all: a token from a widget that set none fits every form.
  if (claims.action !== expected.action) mismatches.push('action-mismatch');
  return mismatches;
}
