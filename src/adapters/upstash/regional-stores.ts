import type { StoreRegionSettings } from '../../config/store-regions.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import type { StoreConnection } from './script-client.ts';
import type { StoreCalls } from './store-call.ts';

/**
 * The request's view of every store region (docs/regions.md). A region's connection is opened
 * (`open`: its clients, as wiring.ts builds them) the first time the request touches it: a verify
 * opens one, to its id's region, and never waits on another. Region undefined: the default one.
 */
export interface RegionalStores<Store> {
  /** Undefined for a region no longer configured (an id sealed before it was removed). */
  at(region: string | undefined): Store | undefined;
  /** The default region (region undefined) first, then STORE_REGIONS in order: what stats read and sum. */
  all(): { region: string | undefined; store: Store }[];
}

export function createRegionalStores<Store>(
  settings: StoreConnection & { regions: StoreRegionSettings },
  open: (connection: StoreConnection, region: string | undefined) => Store,
): RegionalStores<Store> {
  const connections = new Map<string | undefined, StoreConnection>([[undefined, settings]]);
  for (const region of settings.regions.regions) {
    connections.set(region.name, { url: region.url, token: region.token, timeoutMs: settings.timeoutMs });
  }
  const opened = new Map<string | undefined, Store>();
  function at(region: string | undefined): Store | undefined {
    let store = opened.get(region);
    if (store !== undefined) return store;
    const connection = connections.get(region);
    if (!connection) return undefined;
    store = open(connection, region);
    opened.set(region, store);
    return store;
  }
  return {
    at,
    all: () => [...connections.keys()].map((region) => ({ region, store: at(region) as Store })),
  };
}

/** Store failures of a named region say which one, so an operator sees at once which database is down. */
export function namingRegion(calls: StoreCalls, region: string | undefined): StoreCalls {
  if (region === undefined) return calls;
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
