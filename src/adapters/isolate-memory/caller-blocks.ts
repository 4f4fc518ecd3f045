import type { CallerBlocks } from '../../otp/ports.ts';

/**
 * Blocks live in the isolate's memory, shared by its requests: a caller over a limit costs no
 * store round trip until its window ends. Bounded, since every entry is attacker-chosen.
 */
const blockedUntil = new Map<string, number>();
const MAX_ENTRIES = 10_000;

/**
 * `namespace` keeps deployments, limits and settings apart (tests run several key prefixes in one
 * isolate; a changed limit must not inherit blocks taken under the old one).
 */
export function createIsolateCallerBlocks(namespace: string): CallerBlocks {
  return {
    blockedUntil(caller, nowMs) {
      const key = `${namespace}:${caller}`;
      const until = blockedUntil.get(key);
      if (until === undefined) return undefined;
      if (until <= nowMs) {
        blockedUntil.delete(key);
        return undefined;
      }
      return until;
    },
    block(caller, untilMs) {
      if (blockedUntil.size >= MAX_ENTRIES) blockedUntil.clear();
      blockedUntil.set(`${namespace}:${caller}`, untilMs);
    },
  };
}
