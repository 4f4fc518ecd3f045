/**
 * The number ranges the fraud guard and the prefix limit count in (docs/abuse-defense.md). Pumping
 * targets runs of numbers whose termination fees the attacker shares, so the cells are cut by the
 * number's trailing digits, whatever the country's numbering plan.
 */

/** The number without its last 3 digits: 1,000 adjacent numbers, one limit however they are walked. */
export function numberRange(e164: string): string {
  return e164.slice(0, -3);
}

/** The number without its last 6 digits: a million numbers, roughly one operator allocation. */
export function numberBlock(e164: string): string {
  return e164.slice(0, -6);
}
