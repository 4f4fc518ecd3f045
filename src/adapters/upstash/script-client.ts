import type { StoreConnection } from './redis-client.ts';

/**
 * The hot path's client for Upstash's REST API: EVALSHA and EVAL, each one `POST {url}` with the
 * command as a JSON array, and nothing else. @upstash/redis does the same in about 10x the CPU per
 * call on Workers (a client object with every Redis command per request, auto-pipelining,
 * base64-encoded replies decoded string by string, automatic deserialisation), which was most of a
 * verify's CPU (bench/results.md, "Lean harness: CPU profile"). The admin readers' pipelines still
 * use @upstash/redis (./redis-client.ts).
 *
 * Replies are plain JSON (no `Upstash-Encoding: base64`, no deserialisation): integers arrive as
 * numbers and strings as strings, as Redis answered them. Protocol: docs/storage.md and
 * https://upstash.com/docs/redis/features/restapi.
 */
/** The narrowest shape: @upstash/redis's `Redis` has it too (the store tests pass one). */
export interface ScriptClient {
  evalsha(sha: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
}

/** A Redis or REST error. Its message never carries the command (keys, code HMACs). */
export class StoreReplyError extends Error {
  override name = 'StoreReplyError';
}

export function createScriptClient(connection: StoreConnection): ScriptClient {
  const headers = {
    authorization: `Bearer ${connection.token}`,
    'content-type': 'application/json',
  };
  async function send(command: readonly (string | number)[]): Promise<unknown> {
    // No retry: every script here writes (see ./redis-client.ts). A timeout throws TimeoutError.
    const response = await fetch(connection.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(command),
      signal: AbortSignal.timeout(connection.timeoutMs),
    });
    const text = await response.text();
    let body: { result?: unknown; error?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new StoreReplyError(`HTTP ${response.status}, not JSON`);
    }
    if (typeof body.error === 'string') throw new StoreReplyError(body.error);
    if (!response.ok || !('result' in body)) throw new StoreReplyError(`HTTP ${response.status}`);
    return body.result;
  }
  return {
    evalsha: (sha, keys, args) => send(['evalsha', sha, keys.length, ...keys, ...args]),
    eval: (script, keys, args) => send(['eval', script, keys.length, ...keys, ...args]),
  };
}
