// HTTP Basic credentials as the vendors' REST APIs take them (Plivo: auth id and token; Twilio:
// account SID and auth token, or API key SID and secret), compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  user: string;
  password: string;
}

export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Constant-time in content and length: both sides are hashed first, because timingSafeEqual
 * itself throws (early) on a length mismatch.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function credentialsMatch(given: BasicCredentials | null, expected: BasicCredentials): boolean {
  if (!given) return false;
  // Evaluate both comparisons so the time taken does not reveal which half was wrong.
  const userMatches = secretsEqual(given.user, expected.user);
  const passwordMatches = secretsEqual(given.password, expected.password);
  return userMatches && passwordMatches;
}
