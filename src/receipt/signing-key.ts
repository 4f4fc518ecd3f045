/** A P-256 JWK that names itself: every receipt header carries the kid, so verifiers pick the right key. */
export type KeyedJwk = JsonWebKey & { kid: string };

type Parsed<T> = { ok: true } & T;
type Refused = { ok: false; problem: string };

// P-256 coordinates and private scalars are 32 bytes: 43 base64url characters without padding.
const P256_COMPONENT = /^[A-Za-z0-9_-]{43}$/;
const KID_SHAPE = /^[A-Za-z0-9._:-]{1,64}$/;

/** Parses and checks RECEIPT_SIGNING_KEY: a JSON P-256 private JWK (kty EC, crv P-256, d, x, y, kid required). Returns a message naming the problem (never echoing key material) on failure. */
export function parseSigningKey(json: string): Parsed<{ key: KeyedJwk }> | Refused {
  const value = parseJson(json);
  if (value === undefined) {
    return refuse('is not valid JSON (expected one JWK object, as printed by `npm run keygen`)');
  }
  const jwk = asRecord(value);
  if (jwk === undefined) return refuse('is not a JWK object');
  const publicPart = checkPublicP256(jwk);
  if (typeof publicPart === 'string') return refuse(publicPart);
  const d = jwk.d;
  if (d === undefined) {
    return refuse('has no "d": it is a public key, the signing key must be the private JWK');
  }
  // Only the shape is described, never the value: this text ends up in logs.
  if (typeof d !== 'string' || !P256_COMPONENT.test(d)) return refuse('"d" is not a 32-byte base64url value');
  return { ok: true, key: { ...publicPart, d } };
}

/** Parses RECEIPT_PREVIOUS_PUBLIC_KEYS: empty/undefined → []; a JSON array of public P-256 JWKs with kid (private `d` must be ABSENT: refuse a private key here). */
export function parsePreviousPublicKeys(json: string | undefined): Parsed<{ keys: KeyedJwk[] }> | Refused {
  if (json === undefined || json.trim() === '') return { ok: true, keys: [] };
  const value = parseJson(json);
  if (!Array.isArray(value)) return refuse('is not a JSON array of public JWKs');
  const keys: KeyedJwk[] = [];
  for (const [index, entry] of value.entries()) {
    const jwk = asRecord(entry);
    if (jwk === undefined) return refuse(`entry ${index} is not a JWK object`);
    const checked = checkPublicP256(jwk);
    if (typeof checked === 'string') return refuse(`entry ${index} ${checked}`);
    // A private key here would be one paste away from the public JWKS endpoint.
    if ('d' in jwk) return refuse(`entry ${index} contains a private key ("d"): list public keys only`);
    keys.push(checked);
  }
  return { ok: true, keys };
}

/** The public half: kty, crv, x, y, kid, alg 'ES256', use 'sig' (no d, no key_ops that would confuse verifiers). */
export function publicJwk(key: KeyedJwk): KeyedJwk {
  return { kty: key.kty, crv: key.crv, x: key.x, y: key.y, kid: key.kid, alg: 'ES256', use: 'sig' };
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // The parser's own message quotes the input, which may be a private key.
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/** The public part of a P-256 JWK, or a description of what is wrong with it. */
function checkPublicP256(jwk: Record<string, unknown>): KeyedJwk | string {
  const { kty, crv, alg, x, y, kid } = jwk;
  if (kty !== 'EC') return 'is not an elliptic-curve key: "kty" must be "EC" (receipts are ES256)';
  if (crv !== 'P-256') return 'is not on curve P-256: "crv" must be "P-256" (receipts are ES256)';
  if (alg !== undefined && alg !== 'ES256') return 'has an "alg" other than "ES256"';
  if (typeof x !== 'string' || !P256_COMPONENT.test(x)) return '"x" is not a 32-byte base64url value';
  if (typeof y !== 'string' || !P256_COMPONENT.test(y)) return '"y" is not a 32-byte base64url value';
  if (kid === undefined) return 'has no "kid": verifiers pick the key by kid';
  if (typeof kid !== 'string' || !KID_SHAPE.test(kid)) {
    return '"kid" must be 1-64 characters of A-Z a-z 0-9 . _ : -';
  }
  return { kty: 'EC', crv: 'P-256', x, y, kid };
}

function refuse(problem: string): Refused {
  return { ok: false, problem };
}
