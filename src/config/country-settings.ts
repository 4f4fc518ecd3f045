import type { AllowedCountries } from '../otp/allowed-countries.ts';

/** Country settings a deployment and each of its apps (docs/apps.md) declare the same way. */

/**
 * Outside production, no list means every country (production refuses to start without one).
 * `*` may stand alongside codes (`*,XX`: every country and the non-geographic numbers).
 */
export function parseCountries(raw: string | undefined): AllowedCountries {
  const entries = (raw ?? '*').split(',').map((code) => code.trim().toUpperCase());
  return { everyCountry: entries.includes('*'), listed: new Set(entries.filter((code) => code !== '*')) };
}

const COUNTRY_VOLUME = /^([A-Z]{2}):([0-9]{1,7})$/;

/** `US:600,CA:60` → codes per hour by country; `*`, lower case, repeats and zero are refused. */
export function parseExpectedVolumes(
  raw: string | undefined,
): { ok: true; volumes: Map<string, number> } | { ok: false; problem: string } {
  const volumes = new Map<string, number>();
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    const match = COUNTRY_VOLUME.exec(entry);
    const volume = Number(match?.[2]);
    if (!match?.[1] || !(volume >= 1)) {
      return {
        ok: false,
        problem: `entry ${index + 1} must be COUNTRY:CODES_PER_HOUR like US:600 (an ISO code in capitals, 1 to 9999999; no *: a volume is declared per country)`,
      };
    }
    if (volumes.has(match[1])) return { ok: false, problem: `entry ${index + 1} repeats ${match[1]}` };
    volumes.set(match[1], volume);
  }
  return { ok: true, volumes };
}

/**
 * The guard's cells are the deployment's (the money is), so when several apps declare a volume for
 * one country, the country's expected volume is their sum.
 */
export function sumExpectedVolumes(
  declarations: readonly ReadonlyMap<string, number>[],
): Map<string, number> {
  const sum = new Map<string, number>();
  for (const volumes of declarations) {
    for (const [country, volume] of volumes) sum.set(country, (sum.get(country) ?? 0) + volume);
  }
  return sum;
}
