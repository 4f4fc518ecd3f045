/**
 * "Reset local limits" for `npm run dev`: deletes, through the local Redis REST server, every key
 * that holds a caller back (send limits, cooldowns, failure counters, verify windows, the fraud
 * guard's cells; `callerLimitKeyPatterns` in src/adapters/upstash/keys.ts) under the dev Worker's
 * KEY_PREFIX. Exploring from 127.0.0.1 is one client to the limits: after a few sends it meets the
 * production ones. Verifications are kept on purpose: a code in flight still verifies after a
 * reset, and nothing a developer did is thrown away but the counts against them. Never flushes.
 */
import { callerLimitKeyPatterns } from '../src/adapters/upstash/keys.ts';

export interface LimitResetTarget {
  /**
   * Every store region's REST server, URL and Bearer token, the default one first (the stack's
   * own: never a real Upstash database). A country's limits live in its region (docs/regions.md).
   */
  stores: { restUrl: string; token: string }[];
  /** The Worker's KEY_PREFIX. */
  keyPrefix: string;
}

export interface LimitResetResult {
  /** Keys deleted, per pattern. */
  deleted: number;
  patterns: string[];
}

/** Keys per SCAN step and per UNLINK: small enough to keep each REST request short. */
const BATCH = 500;

export function createLimitReset(target: LimitResetTarget): () => Promise<LimitResetResult> {
  async function command(
    store: { restUrl: string; token: string },
    args: (string | number)[],
  ): Promise<unknown> {
    const response = await fetch(store.restUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${store.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { result?: unknown; error?: string };
    if (!response.ok || body.error !== undefined)
      throw new Error(`Redis REST ${args[0]}: ${body.error ?? `HTTP ${response.status}`}`);
    return body.result;
  }

  return async () => {
    const patterns = callerLimitKeyPatterns(target.keyPrefix);
    let deleted = 0;
    for (const store of target.stores) {
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          const [next, keys] = (await command(store, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', BATCH])) as [
            string,
            string[],
          ];
          cursor = String(next);
          if (keys.length > 0) deleted += Number(await command(store, ['UNLINK', ...keys]));
        } while (cursor !== '0');
      }
    }
    return { deleted, patterns };
  };
}
