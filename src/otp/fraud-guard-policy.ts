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
}

export const FRAUD_GUARD_MODES = ['enforce', 'shadow', 'off'] as const;
export type FraudGuardMode = (typeof FRAUD_GUARD_MODES)[number];
