/**
 * Client IPs known to be over their verify limit, per isolate: a blocked caller costs no store
 * round trip until its window ends. Bounded, since every entry is attacker-chosen.
 */
const blockedUntil = new Map<string, number>();
const MAX_ENTRIES = 10_000;

export function isIpBlocked(key: string, nowMs: number): number | undefined {
  const until = blockedUntil.get(key);
  if (until === undefined) return undefined;
  if (until <= nowMs) {
    blockedUntil.delete(key);
    return undefined;
  }
  return until;
}

export function blockIp(key: string, untilMs: number) {
  if (blockedUntil.size >= MAX_ENTRIES) blockedUntil.clear();
  blockedUntil.set(key, untilMs);
}
