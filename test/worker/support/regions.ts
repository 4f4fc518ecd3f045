import { env } from 'cloudflare:workers';
import { inject } from 'vitest';

/**
 * The three store regions of the local stack (test/global-setup.ts): the default REST server of
 * UPSTASH_REDIS_REST_URL and the `eu` and `ap` ones, each in front of its own redis-server. Tests
 * read each one's request count and keys directly, as an operator would read three databases.
 */

// Provided by test/global-setup.ts, which the Worker tests' tsconfig does not include.
declare module 'vitest' {
  export interface ProvidedContext {
    storeRegionUrls: Record<string, string>;
  }
}

const bindings = env as unknown as Record<string, string>;
const token = bindings.UPSTASH_REDIS_REST_TOKEN as string;
const regionUrls = inject('storeRegionUrls');

export type RegionName = 'default' | 'eu' | 'ap';
export const REGION_NAMES: readonly RegionName[] = ['default', 'eu', 'ap'];

function restUrl(region: RegionName): string {
  const url = region === 'default' ? bindings.UPSTASH_REDIS_REST_URL : regionUrls[region];
  if (!url) throw new Error(`no REST server for region ${region}`);
  return url;
}

/** The settings that turn the stack's `eu` and `ap` servers into regions, with these countries. */
export function regionSettings(countries = 'eu:GB,DE,FR;ap:AU,NZ,JP'): Record<string, string> {
  return {
    STORE_REGIONS: `eu=${restUrl('eu')},ap=${restUrl('ap')}`,
    STORE_REGION_TOKENS: `eu=${token},ap=${token}`,
    STORE_REGION_COUNTRIES: countries,
  };
}

export async function regionCommand(region: RegionName, command: (string | number)[]): Promise<unknown> {
  const response = await fetch(restUrl(region), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(command),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (body.error) throw new Error(body.error);
  return body.result;
}

/** The keys under a prefix in each region. */
export async function keysByRegion(prefix: string): Promise<Record<RegionName, string[]>> {
  const entries = await Promise.all(
    REGION_NAMES.map(
      async (region) =>
        [region, ((await regionCommand(region, ['KEYS', `${prefix}*`])) as string[]).sort()] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<RegionName, string[]>;
}

async function requestsByRegion(): Promise<Record<RegionName, number>> {
  const entries = await Promise.all(
    REGION_NAMES.map(async (region) => {
      const response = await fetch(`${restUrl(region)}/__stats`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return [region, ((await response.json()) as { requests: number }).requests] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<RegionName, number>;
}

/** Store round trips per region (HTTP requests each REST server served) while `action` ran. */
export async function roundTripsByRegion<T>(
  action: () => Promise<T>,
): Promise<{ result: T; roundTrips: Record<RegionName, number> }> {
  const before = await requestsByRegion();
  const result = await action();
  const after = await requestsByRegion();
  const roundTrips = Object.fromEntries(
    REGION_NAMES.map((region) => [region, after[region] - before[region]]),
  ) as Record<RegionName, number>;
  return { result, roundTrips };
}

/** The REST server's fault injection (local/support/faults.ts): a status, a delay, or both. */
export async function injectRegionFault(
  region: RegionName,
  fault: { status?: number; delayMs?: number; count?: number },
): Promise<void> {
  await fetch(`${restUrl(region)}/__faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}

/** The region's REST server answers every request with this status until `restoreRegion`. */
export function takeRegionDown(region: RegionName, status = 503): Promise<void> {
  return injectRegionFault(region, { status, count: 1000 });
}

export async function restoreRegion(region: RegionName): Promise<void> {
  await fetch(`${restUrl(region)}/__faults`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
}
