import { Redis } from '@upstash/redis/cloudflare';
import type { StoreConnection } from './script-client.ts';

/**
 * The vendor client, configured as the Worker would need it. The Worker itself no longer bundles it
 * (scripts: ./script-client.ts, readers: ./pipeline-client.ts); tests drive adapters through it to
 * show they work with any client of the REST API.
 *
 * One client per request: on Workers a promise created by one request must not be awaited by
 * another, and the client's auto-pipeline batch is such a promise. A per-request client still
 * batches the commands one request issues in the same tick (the rate limits) into one round trip.
 */
export function createRedisClient(connection: StoreConnection): Redis {
  return new Redis({
    url: connection.url,
    token: connection.token,
    // No retries: every script here writes (counts a guess, takes a cooldown), so a retry after a
    // lost response could count twice or refuse a send that never happened. An honest 503 is
    // better. Note `retry: false` would still make two attempts in this client version.
    retry: { retries: 0 },
    // The function form makes a timeout throw; a fixed signal would turn it into a fake "Aborted"
    // result that looks like data.
    signal: () => AbortSignal.timeout(connection.timeoutMs),
    enableTelemetry: false,
    // No replicas behind one REST endpoint need read-your-writes tokens for our atomic scripts.
    readYourWrites: false,
  });
}
