/**
 * `npm run local:reset-limits`: the inbox's "Reset local limits" button from a terminal. Asks the
 * Plivo sandbox that `npm run dev` started (PLIVO_SANDBOX_PORT, default 8790) to delete the local
 * Worker's send limits, cooldowns, failure counts and fraud-guard cells (local/limit-reset.ts);
 * verifications and codes already sent stay.
 */
async function main(): Promise<void> {
  const port = process.env.PLIVO_SANDBOX_PORT ?? '8790';
  const url = `http://127.0.0.1:${port}/__sandbox/limits/reset`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { deleted?: number; error?: string };
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    console.log(`reset-limits: ${body.deleted} keys deleted; sends and verifies start from zero again`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `reset-limits: ${url} did not reset (${reason}). Is npm run dev running, with its own Redis and sandbox? (PLIVO_SANDBOX_PORT names another port)`,
    );
    process.exit(1);
  }
}

void main();
