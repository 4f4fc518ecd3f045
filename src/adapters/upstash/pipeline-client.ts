import type { StoreConnection } from './script-client.ts';
import { postToStore, StoreReplyError } from './script-client.ts';

/** One Redis command as the REST API takes it: `['hgetall', key]`. */
export type StoreCommand = readonly (string | number)[];

/**
 * The readers' client: several commands in one `POST {url}/pipeline` (one round trip), replies as
 * Redis gives them (HGETALL a flat `[field, value, ...]` array; see hashFromReply). It replaced
 * @upstash/redis, which was about 15 KiB of the Worker's gzip for a handful of HGETALLs.
 * Protocol: docs/storage.md and https://upstash.com/docs/redis/features/restapi#pipelining.
 */
export interface PipelineClient {
  /** Each command's result in order; any command's error fails the whole call (as @upstash/redis did). */
  pipeline(commands: readonly StoreCommand[]): Promise<unknown[]>;
}

export function createPipelineClient(connection: StoreConnection): PipelineClient {
  return {
    async pipeline(commands) {
      // No retry, as the scripts (./script-client.ts): a lost reply to HINCRBY must not count twice.
      const { response, body } = await postToStore(connection, '/pipeline', commands);
      if (!Array.isArray(body)) {
        const error = (body as { error?: unknown }).error;
        throw new StoreReplyError(typeof error === 'string' ? error : `HTTP ${response.status}`);
      }
      return body.map((entry: { result?: unknown; error?: unknown } | null) => {
        if (typeof entry?.error === 'string') throw new StoreReplyError(entry.error);
        return entry?.result;
      });
    },
  };
}

/** An HGETALL reply as an object (null for a missing hash, as @upstash/redis answered). */
export function hashFromReply(reply: unknown): Record<string, string> | null {
  if (!Array.isArray(reply) || reply.length === 0) return null;
  const hash: Record<string, string> = {};
  for (let index = 0; index + 1 < reply.length; index += 2)
    hash[String(reply[index])] = String(reply[index + 1]);
  return hash;
}
