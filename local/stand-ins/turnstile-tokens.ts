// Tokens the Turnstile siteverify stand-in (./turnstile-siteverify.ts) understands. Kept apart
// from the server so that tests running inside workerd can build them without importing node:http.

/** The hostname Cloudflare's dummy secrets report, and the stand-in's default. */
export const DUMMY_HOSTNAME = 'example.com';
export const SOLVED_TOKEN_PREFIX = 'stand-in:solved?';

/**
 * A token the stand-in passes as solved on a page of `hostname` (default example.com) for `action`
 * (default none, which siteverify reports as an empty action). Unique per call, since each token is
 * redeemed once.
 */
export function solvedToken(claims: { hostname?: string; action?: string }): string {
  const params = new URLSearchParams();
  if (claims.hostname !== undefined) params.set('hostname', claims.hostname);
  if (claims.action !== undefined) params.set('action', claims.action);
  params.set('id', crypto.randomUUID());
  return `${SOLVED_TOKEN_PREFIX}${params}`;
}
