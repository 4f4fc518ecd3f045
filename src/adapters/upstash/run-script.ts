import type { ScriptClient } from './script-client.ts';

const shaByScript = new Map<string, Promise<string>>();

function scriptSha(script: string): Promise<string> {
  let sha = shaByScript.get(script);
  if (!sha) {
    sha = crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(script))
      .then((digest) =>
        Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''),
      );
    shaByScript.set(script, sha);
  }
  return sha;
}

/**
 * EVALSHA, falling back to EVAL when Redis does not know the script yet (after a restart or
 * SCRIPT FLUSH): one round trip normally, two once per script per Redis restart.
 */
export async function runScript(
  redis: ScriptClient,
  script: string,
  keys: string[],
  args: (string | number)[],
) {
  const sha = await scriptSha(script);
  try {
    return await redis.evalsha(sha, keys, args);
  } catch (error) {
    if (error instanceof Error && error.message.includes('NOSCRIPT')) {
      return await redis.eval(script, keys, args);
    }
    throw error;
  }
}
