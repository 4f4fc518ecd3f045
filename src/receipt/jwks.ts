import { type KeyedJwk, publicJwk } from './signing-key.ts';

/** The JWKS document: the current key's public half first, then previous public keys (rotation), de-duplicated by kid. */
export function buildJwks(current: KeyedJwk, previous: readonly KeyedJwk[]): { keys: KeyedJwk[] } {
  const keys: KeyedJwk[] = [];
  const seen = new Set<string>();
  for (const key of [current, ...previous]) {
    // First one wins: a previous entry cannot shadow the key that signs today's receipts.
    if (seen.has(key.kid)) continue;
    seen.add(key.kid);
    // publicJwk again, so a private `d` can never reach this public document.
    keys.push(publicJwk(key));
  }
  return { keys };
}
