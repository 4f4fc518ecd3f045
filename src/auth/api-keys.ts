import { DEFAULT_APP_ID } from '../otp/app-id.ts';
import { AUDIENCE_RULE, isReceiptAudience } from '../receipt/audience.ts';
import { sha256 } from './sha256.ts';

/**
 * API keys of server callers. The config keeps only each key's SHA-256, so a dump of the config
 * (or of the isolate's memory) does not hand out working keys; the keys are long random strings,
 * so an unsalted fast hash is enough (no dictionary to try).
 */
export interface ApiKeyDigest {
  /** Lowercase hex SHA-256 of the key's UTF-8 bytes. */
  readonly sha256Hex: string;
  /** An admin key is also a valid API key. */
  readonly admin: boolean;
  /** The `aud` of receipts this key's callers get (`key@audience`); unset: its app's. */
  readonly audience: string | undefined;
  /**
   * The app the key belongs to (docs/apps.md); undefined: the default app, which API_KEYS and
   * ADMIN_API_KEYS are.
   */
  readonly app: string | undefined;
}

/** What a presented key turned out to be. */
export interface MatchedApiKey {
  readonly admin: boolean;
  readonly audience: string | undefined;
  /** undefined: the default app. */
  readonly app: string | undefined;
  /** The key's SHA-256 digest: names the key where it needs a name (the guard's per-key budget). */
  readonly keyId: string;
}

/** Shorter keys are refused at load time: they could be guessed. */
export const MIN_API_KEY_LENGTH = 24;
export const MAX_API_KEY_LENGTH = 256;
/** RFC 6750 b64token: what fits after `Bearer ` without quoting. */
export const API_KEY_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;

export type ApiKeyListResult = { ok: true; digests: ApiKeyDigest[] } | { ok: false; problem: string };

/**
 * Separates a key from its audience in API_KEYS: `@` cannot occur in a key (API_KEY_PATTERN), while
 * `=` can (base64 padding) and `:` is common in audiences that are URLs.
 */
export const AUDIENCE_SEPARATOR = '@';

/**
 * A comma-separated list of keys, each optionally `key@audience` (blank entries are ignored) →
 * their digests. A problem names the key by position, never by value.
 */
export function digestApiKeys(
  list: string | undefined,
  admin: boolean,
  app: string = DEFAULT_APP_ID,
): ApiKeyListResult {
  const entries = (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const digests: ApiKeyDigest[] = [];
  for (const [index, entry] of entries.entries()) {
    const which = `key ${index + 1} of ${entries.length}`;
    const separator = entry.indexOf(AUDIENCE_SEPARATOR);
    const key = separator < 0 ? entry : entry.slice(0, separator).trim();
    const audience = separator < 0 ? undefined : entry.slice(separator + 1).trim();
    if (audience !== undefined && !isReceiptAudience(audience)) {
      return {
        ok: false,
        problem: `${which}: its audience (after ${AUDIENCE_SEPARATOR}) must be ${AUDIENCE_RULE}`,
      };
    }
    if (key.length < MIN_API_KEY_LENGTH || key.length > MAX_API_KEY_LENGTH) {
      return {
        ok: false,
        problem: `${which} must be ${MIN_API_KEY_LENGTH} to ${MAX_API_KEY_LENGTH} characters long`,
      };
    }
    if (!API_KEY_PATTERN.test(key)) {
      return {
        ok: false,
        problem: `${which} may only contain letters, digits and - . _ ~ + / (then = padding)`,
      };
    }
    digests.push({
      sha256Hex: toHex(sha256(encoder.encode(key))),
      admin,
      audience,
      app: app === DEFAULT_APP_ID ? undefined : app,
    });
  }
  return { ok: true, digests };
}

/**
 * Which accepted key, if any, `presented` is. Compares the presented key's digest with every
 * stored digest in constant time and without stopping at the first match, so the time taken
 * says nothing about how close a guess was or where in the list a key sits. A key listed as
 * both a plain and an admin key counts as admin (the configuration refuses one listed twice with
 * different audiences: `conflictingAudiences`).
 */
export async function matchApiKey(
  presented: string,
  accepted: readonly ApiKeyDigest[],
): Promise<MatchedApiKey | undefined> {
  if (presented.length > MAX_API_KEY_LENGTH) return undefined;
  const digest = encoder.encode(
    toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(presented)))),
  );
  let match: MatchedApiKey | undefined;
  for (const entry of accepted) {
    const equal = crypto.subtle.timingSafeEqual(digest, encoder.encode(entry.sha256Hex));
    if (equal && !match?.admin)
      match = { admin: entry.admin, audience: entry.audience, app: entry.app, keyId: entry.sha256Hex };
  }
  return match;
}

/**
 * Positions (1-based, across API_KEYS then ADMIN_API_KEYS) of keys listed more than once with
 * different audiences: which one a caller's receipts get would depend on list order.
 */
export function conflictingAudiences(digests: readonly ApiKeyDigest[]): number[] {
  const firstAudience = new Map<string, string | undefined>();
  const conflicts: number[] = [];
  for (const [index, digest] of digests.entries()) {
    if (!firstAudience.has(digest.sha256Hex)) firstAudience.set(digest.sha256Hex, digest.audience);
    else if (firstAudience.get(digest.sha256Hex) !== digest.audience) conflicts.push(index + 1);
  }
  return conflicts;
}

/**
 * Positions (1-based, across every list in order) of keys listed again after a list of another
 * app's, or twice for one app of APPS: a key belongs to exactly one app, or which app a request is
 * would depend on list order. (A default-app key in both API_KEYS and ADMIN_API_KEYS stays allowed:
 * it is an admin key, as before apps.)
 */
export function keysOfSeveralApps(digests: readonly ApiKeyDigest[]): number[] {
  const firstApp = new Map<string, string>();
  const repeated: number[] = [];
  for (const [index, digest] of digests.entries()) {
    const app = firstApp.get(digest.sha256Hex);
    if (app === undefined) firstApp.set(digest.sha256Hex, digest.app ?? DEFAULT_APP_ID);
    else if (app !== (digest.app ?? DEFAULT_APP_ID) || app !== DEFAULT_APP_ID) repeated.push(index + 1);
  }
  return repeated;
}

const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
