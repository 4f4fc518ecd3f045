/** One store region's REST endpoint (config/store-regions.ts). */
export interface StoreConnection {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * The hot path's client for Upstash's REST API: EVALSHA and EVAL, each one `POST {url}` with the
 * command as a JSON array, and nothing else. @upstash/redis does the same in about 10x the CPU per
 * call on Workers (a client object with every Redis command per request, auto-pipelining,
 * base64-encoded replies decoded string by string, automatic deserialisation), which was most of a
 * verify's CPU (bench/results.md, "Lean harness: CPU profile"). The readers' pipelines use the same
 * POST (./pipeline-client.ts).
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
  async function send(command: readonly (string | number)[]): Promise<unknown> {
    // No retry: every script here writes: a retry after a lost reply could count twice. A timeout throws TimeoutError.
    const { response, body } = await postToStore(connection, '', command);
    const reply = body as { result?: unknown; error?: unknown };
    if (typeof reply.error === 'string') throw new StoreReplyError(reply.error);
    if (!response.ok || !('result' in reply)) throw new StoreReplyError(`HTTP ${response.status}`);
    return reply.result;
  }
  return {
    evalsha: (sha, keys, args) => send(['evalsha', sha, keys.length, ...keys, ...args]),
    eval: (script, keys, args) => send(['eval', script, keys.length, ...keys, ...args]),
  };
}

/** One POST of a JSON body to `{url}{path}` ('' for one command, `/pipeline` for several): its parsed reply. */
export async function postToStore(
  connection: StoreConnection,
  path: string,
  command: unknown,
): Promise<{ response: Response; body: object }> {
  // As @upstash/redis: a base URL may end in a slash.
  const url = path ? connection.url.replace(/\/$/, '') + path : connection.url;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(command),
    signal: AbortSignal.timeout(connection.timeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StoreReplyError(`HTTP ${response.status}, not JSON`);
  }
  if (typeof body !== 'object' || body === null) throw new StoreReplyError(`HTTP ${response.status}`);
  return { response, body };
}
