/**
 * The conversion-aware send guard (FRAUD_GUARD_*), as src/config parses it. docs/abuse-defense.md
 * explains the rule and each default.
 *
 * Cells: `range` (the number without its last 3 digits), `block` (without its last 6), `country`,
 * and the country's `overdraft`. Each counts, over a sliding window, codes sent `s` and verified
 * `v`; `u = s - v` are the unverified sends. A cell admits a send while `u < base + credit * v`.
 */
export interface FraudGuardPolicy {
  /** `enforce` refuses, `shadow` only counts and logs what it would refuse, `off` skips the guard. */
  readonly mode: FraudGuardMode;
  /** The sliding window of every cell, at least the longest code lifetime (600 s). */
  readonly windowSeconds: number;
  readonly rangeBase: number;
  readonly blockBase: number;
  readonly countryBase: number;
  /** Base of the overdraft a country under pressure lends to sends into clean blocks. */
  readonly overdraftBase: number;
  /** Unverified sends one verified code earns its cells. */
  readonly credit: number;
  /** Above the global threshold a country is healthy with `v >= u` and at least this many verified. */
  readonly healthyMinVerified: number;
  /**
   * Codes per hour the operator expects per country (FRAUD_GUARD_EXPECTED): a declared country's
   * base is a quarter of it, and its absolute per-country cap at least twice it.
   */
  readonly expected: ReadonlyMap<string, number>;
  /** Base of each country's challenged cell: sends whose caller solved a challenge after a refusal. */
  readonly challengedBase: number;
  /** Base of each API key's cell for the users its backend vouches for (`trustedUser`). */
  readonly trustedBase: number;
}

/** How far back the guard learns a country's busiest hour of verified codes. */
export const LEARNED_VOLUME_DAYS = 7;

/**
 * The country base an expected hourly volume E buys: E/4 unverified codes at once. A crowd holds
 * about (arrivals per second) x (seconds to type the code) unverified: 150 users arriving within
 * 20 s who verify 8-30 s later peak near 125, which E = 600 covers. admit-send computes the same
 * in Lua (docs/abuse-defense.md); this copy serves the operator's report.
 */
export function baseForExpectedVolume(codesPerHour: number): number {
  return Math.ceil(codesPerHour / 4);
}

export const FRAUD_GUARD_MODES = ['enforce', 'shadow', 'off'] as const;
export type FraudGuardMode = (typeof FRAUD_GUARD_MODES)[number];
