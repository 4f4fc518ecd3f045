import type { Redis } from '@upstash/redis/cloudflare';
import type { StoreRegionSettings } from '../../config/store-regions.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import { createRedisClient, type StoreConnection } from './redis-client.ts';
import { createStoreCalls, type RoundTripCounter, type StoreCalls } from './store-call.ts';

/** One region's database, as one request talks to it. */
export interface RegionStore {
  /** Undefined: the default region (UPSTASH_REDIS_REST_URL). */
  region: string | undefined;
  redis: Redis;
  calls: StoreCalls;
}

/**
 * The request's view of every store region (docs/regions.md). A region's client is made the first
 * time the request touches it: a verify opens one client, to its id's region, and never waits on
 * another. All share the request's round-trip counter, and a failure names its region in the log.
 */
export interface RegionalStores {
  /** Undefined for a region no longer configured (an id sealed before it was removed). */
  at(region: string | undefined): RegionStore | undefined;
  /** The default region first, then STORE_REGIONS in order: what stats read and sum. */
  all(): RegionStore[];
}

export function createRegionalStores(
  settings: StoreConnection & { regions: StoreRegionSettings },
  counter: RoundTripCounter,
): RegionalStores {
  const connections = new Map<string | undefined, StoreConnection>([[undefined, settings]]);
  for (const region of settings.regions.regions) {
    connections.set(region.name, { url: region.url, token: region.token, timeoutMs: settings.timeoutMs });
  }
  const opened = new Map<string | undefined, RegionStore>();
  function at(region: string | undefined): RegionStore | undefined {
    let store = opened.get(region);
    if (store) return store;
    const connection = connections.get(region);
    if (!connection) return undefined;
    const redis = createRedisClient(connection);
    const calls = createStoreCalls(redis, counter);
    store = { region, redis, calls: region === undefined ? calls : namingRegion(calls, region) };
    opened.set(region, store);
    return store;
  }
  return {
    at,
    all: () => [...connections.keys()].map((region) => at(region) as RegionStore),
  };
}

/** Store failures of a region say which one, so an operator sees at once which database is down. */
function namingRegion(calls: StoreCalls, region: string): StoreCalls {
  const named = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      throw new DependencyUnavailableError(
        'store',
        `region ${region}: ${error.detail}`,
        error.retryAfterSeconds,
      );
    }
  };
  return {
    script: (script, keys, args) => named(() => calls.script(script, keys, args)),
    roundTrip: (send, options) => named(() => calls.roundTrip(send, options)),
  };
}
