import type { KeyedHasher } from './keyed-hash.ts';
import type { AdmissionOutcome, ReissueOutcome, SendScope, SendStanding } from './ports.ts';

/**
 * `solved`: the caller solved a challenge for this request. `challenge_on_refusal`: it did not,
 * and a guard refusal is to be answered with a challenge (TURNSTILE_MODE=pressure). `none`: no
 * challenge can be offered. `vouched`: an API key's caller vouches for the user (`trustedUser`);
 * `keyId` names the key (its SHA-256 digest), whose own budget bounds what it vouches for.
 */
export type GuardPass =
  | { kind: 'none' }
  | { kind: 'challenge_on_refusal' }
  | { kind: 'solved' }
  | { kind: 'vouched'; keyId: string };

/**
 * The standing a send takes to the guard (SendStanding) from what its caller brought (GuardPass).
 * A vouching key is known to the store only by its HMAC tag, like every other identifier.
 */
export async function sendStanding(pass: GuardPass, hasher: KeyedHasher): Promise<SendStanding> {
  switch (pass.kind) {
    case 'vouched':
      return { kind: 'trusted', keyTag: await hasher.limitTag('key', pass.keyId) };
    case 'solved':
      return { kind: 'challenged' };
    case 'challenge_on_refusal':
      return { kind: 'plain', challengeOnRefusal: true };
    case 'none':
      return { kind: 'plain', challengeOnRefusal: false };
  }
}

/**
 * The challenge to answer instead of a refusal by the guard's cells, for a caller who can still
 * solve one: not a dead end. Plain limits (per number, network, prefix, the absolute country cap,
 * the global hard cap) have no way through and stay refusals.
 */
export function challengeInstead(
  admission: AdmissionOutcome | ReissueOutcome,
  standing: SendStanding,
): { kind: 'challenge_required'; scope: SendScope } | undefined {
  if (admission.kind !== 'rate_limited' || !admission.byGuard) return undefined;
  if (standing.kind !== 'plain' || !standing.challengeOnRefusal) return undefined;
  return { kind: 'challenge_required', scope: admission.scope };
}
