/** Non-geographic and satellite numbers (+800, +870, +881, ...) have no country: libphonenumber's `XX`. */
export const NON_GEOGRAPHIC = 'XX';

/** ALLOWED_COUNTRIES: `*` (every country), a list of ISO 3166 alpha-2 codes, or both (`*,XX`). */
export interface AllowedCountries {
  /** `*` was given: every country with an ISO code. */
  readonly everyCountry: boolean;
  /** Codes named one by one; `XX` only counts when named here. */
  readonly listed: ReadonlySet<string>;
}

/**
 * A number without a country is never allowed by accident: satellite and international premium
 * services cost the most per SMS and are favoured by pumping, so `*` means every country, not `XX`.
 */
export function countryAllowed(country: string, allowed: AllowedCountries): boolean {
  return allowed.listed.has(country) || (allowed.everyCountry && country !== NON_GEOGRAPHIC);
}
