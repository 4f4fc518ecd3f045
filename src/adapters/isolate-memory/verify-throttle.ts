import type { VerifyThrottle } from '../../otp/ports.ts';

/**
 * Blocks live in the isolate's memory, shared by its requests: a caller over its verify limit
 * costs no store round trip until its window ends. Bounded, since every entry is attacker-chosen.
 */
const blockedUntil = new Map<string, number>();
const MAX_ENTRIES = 10_000;

/**
 * `namespace` keeps deployments and settings apart (tests run several key prefixes in one
 * isolate; a changed limit must not inherit blocks taken under the old one).
 */
export function createIsolateVerifyThrottle(namespace: string): VerifyThrottle {
  return {
    blockedUntil(clientIp, nowMs) {
      const key = `${namespace}:${clientIp}`;
      const until = blockedUntil.get(key);
      if (until === undefined) return undefined;
      if (until <= nowMs) {
        blockedUntil.delete(key);
        return undefined;
      }
      return until;
    },
    block(clientIp, untilMs) {
      if (blockedUntil.size >= MAX_ENTRIES) blockedUntil.clear();
      blockedUntil.set(`${namespace}:${clientIp}`, untilMs);
    },
  };
}
