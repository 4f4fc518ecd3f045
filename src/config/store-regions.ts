import { REGION_NAME_SHAPE } from '../otp/verification-id.ts';

/**
 * Regional stores (docs/regions.md): extra Upstash databases, each named, each holding the
 * numbers of the countries mapped to it. The database of UPSTASH_REDIS_REST_URL stays the default
 * region: every country not mapped, and every verification id that names no region (all ids issued
 * before regions were configured). Problems name the variable and the entry, never a token.
 */

export interface StoreRegion {
  readonly name: string;
  readonly url: string;
  readonly token: string;
}

export interface StoreRegionSettings {
  /** In the order STORE_REGIONS lists them. */
  readonly regions: readonly StoreRegion[];
  /** Country (ISO 3166-1 alpha-2, or XX) → region name; a country not here is the default region's. */
  readonly countryRegions: ReadonlyMap<string, string>;
}

/** What ids and logs call the database of UPSTASH_REDIS_REST_URL; no region may take the name. */
export const DEFAULT_REGION_NAME = 'default';

export type StoreRegionsParse =
  | { ok: true; settings: StoreRegionSettings }
  | { ok: false; problems: string[] };

export function parseStoreRegions(raw: {
  STORE_REGIONS?: string | undefined;
  STORE_REGION_TOKENS?: string | undefined;
  STORE_REGION_COUNTRIES?: string | undefined;
}): StoreRegionsParse {
  const problems: string[] = [];
  const urls = parseNamedList('STORE_REGIONS', raw.STORE_REGIONS, problems);
  const tokens = parseNamedList('STORE_REGION_TOKENS', raw.STORE_REGION_TOKENS, problems);
  const regions: StoreRegion[] = [];
  for (const [name, url] of urls) {
    if (!isHttpUrl(url)) problems.push(`STORE_REGIONS: region ${name} needs an http(s) URL`);
    const token = tokens.get(name);
    if (token === undefined) problems.push(`STORE_REGION_TOKENS: no token for region ${name}`);
    regions.push({ name, url, token: token ?? '' });
  }
  for (const name of tokens.keys()) {
    if (!urls.has(name)) problems.push(`STORE_REGION_TOKENS: region ${name} is not in STORE_REGIONS`);
  }

  const countryRegions = new Map<string, string>();
  const entries = raw.STORE_REGION_COUNTRIES?.split(';').map((entry) => entry.trim()) ?? [];
  for (const [index, entry] of entries.entries()) {
    if (entry === '') continue;
    const match = /^([^:\s]+)\s*:\s*(.*)$/.exec(entry);
    if (!match?.[1]) {
      problems.push(
        `STORE_REGION_COUNTRIES: entry ${index + 1} must be REGION:COUNTRY,COUNTRY like eu:GB,DE,FR`,
      );
      continue;
    }
    const [, region, list = ''] = match;
    if (!urls.has(region)) {
      problems.push(`STORE_REGION_COUNTRIES: region ${region} is not in STORE_REGIONS`);
      continue;
    }
    for (const country of list.split(',').map((code) => code.trim())) {
      if (!/^[A-Z]{2}$/.test(country)) {
        problems.push(
          `STORE_REGION_COUNTRIES: region ${region} lists ${JSON.stringify(country.slice(0, 8))}, not an ISO country code in capitals`,
        );
        continue;
      }
      const taken = countryRegions.get(country);
      if (taken !== undefined) {
        problems.push(
          taken === region
            ? `STORE_REGION_COUNTRIES: ${country} is listed twice for ${region}`
            : `STORE_REGION_COUNTRIES: ${country} is in both ${taken} and ${region}`,
        );
        continue;
      }
      countryRegions.set(country, region);
    }
  }
  // A region with no country is allowed: it still answers the ids it issued while it had some
  // (a region being retired keeps its URL until its last verification expired).
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: { regions, countryRegions } };
}

/** `name=value,name=value`; a token may itself contain `=` (base64 padding), so split at the first. */
function parseNamedList(variable: string, raw: string | undefined, problems: string[]): Map<string, string> {
  const named = new Map<string, string>();
  for (const [index, entry] of (raw?.split(',') ?? []).entries()) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const split = trimmed.indexOf('=');
    const name = split > 0 ? trimmed.slice(0, split).trim() : '';
    const value = split > 0 ? trimmed.slice(split + 1).trim() : '';
    if (!REGION_NAME_SHAPE.test(name) || value === '') {
      problems.push(
        `${variable}: entry ${index + 1} must be NAME=VALUE, the name 1-8 of a-z, 0-9 and - starting with a letter`,
      );
    } else if (name === DEFAULT_REGION_NAME) {
      problems.push(
        `${variable}: ${DEFAULT_REGION_NAME} is UPSTASH_REDIS_REST_URL's region; name yours otherwise`,
      );
    } else if (named.has(name)) {
      problems.push(`${variable}: region ${name} is listed twice`);
    } else {
      named.set(name, value);
    }
  }
  return named;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
