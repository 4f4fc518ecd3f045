/**
 * `npm run dev`: the whole local stack in one command. Starts (unless real ones are configured)
 * an Upstash-compatible Redis REST server in front of a throwaway redis-server and a Plivo
 * sandbox, then `wrangler dev` wired to them; prints the URLs; stops everything on Ctrl-C.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateDevVars } from './dev-vars.ts';
import { startPlivoSandbox } from './plivo-sandbox/server.ts';
import { startThrowawayRedis } from './redis-process.ts';
import { startRedisRestServer } from './redis-rest/server.ts';
import { startWranglerDev, type WranglerDev } from './worker-process.ts';

const DEV_VARS = '.dev.vars';

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/);
    if (!match?.[1]) continue;
    values[match[1]] = (match[2] ?? '').replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return values;
}

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
}

async function main() {
  if (!existsSync(DEV_VARS)) {
    writeFileSync(DEV_VARS, await generateDevVars(), { mode: 0o600 });
    console.log(`dev: created ${DEV_VARS} with a fresh OTP_SECRET and receipt signing key (not committed)`);
  }
  const settings = { ...parseEnvFile(readFileSync(DEV_VARS, 'utf8')), ...pickDefined(process.env) };
  const closers: (() => Promise<void>)[] = [];
  const stackVars: Record<string, string> = {};

  if (settings.UPSTASH_REDIS_REST_URL && settings.UPSTASH_REDIS_REST_TOKEN) {
    console.log(`dev: using the Redis REST endpoint ${settings.UPSTASH_REDIS_REST_URL}`);
  } else {
    const token = 'local-dev-token';
    const redis = await startThrowawayRedis();
    const rest = await startRedisRestServer({
      token,
      redisUrl: redis.url,
      port: port('REDIS_REST_PORT', 8079),
    });
    closers.push(
      () => rest.close(),
      () => redis.stop(),
    );
    stackVars.UPSTASH_REDIS_REST_URL = rest.url;
    stackVars.UPSTASH_REDIS_REST_TOKEN = token;
  }

  let inbox = 'real Plivo (no inbox)';
  if (settings.PLIVO_BASE_URL && settings.PLIVO_AUTH_ID && settings.PLIVO_AUTH_TOKEN) {
    console.log(`dev: sending real SMS through ${settings.PLIVO_BASE_URL}`);
  } else {
    const authId = 'MASANDBOX000000000000';
    const authToken = 'sandbox-auth-token';
    const sandbox = await startPlivoSandbox({ authId, authToken, port: port('PLIVO_SANDBOX_PORT', 8790) });
    closers.push(() => sandbox.close());
    Object.assign(stackVars, {
      PLIVO_BASE_URL: sandbox.url,
      PLIVO_AUTH_ID: authId,
      PLIVO_AUTH_TOKEN: authToken,
      PLIVO_SENDER: settings.PLIVO_SENDER ?? 'OTPEDGE',
    });
    inbox = `${sandbox.url}/`;
    // The demo page points visitors at the inbox, where their code really is.
    stackVars.SANDBOX_INBOX_URL = inbox;
  }

  const workerPort = port('WORKER_PORT', 8787);
  let worker: WranglerDev;
  try {
    // The stack's URLs and tokens go in last, over .dev.vars.
    worker = await startWranglerDev({
      port: workerPort,
      envFiles: [DEV_VARS],
      secrets: stackVars,
      output: 'inherit',
      persistTo: '.wrangler/state',
    });
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }

  console.log(
    [
      '',
      'otp-edge local stack',
      `  API (wrangler dev)   ${worker.url}   try: curl ${worker.url}/health`,
      `  Demo page            ${worker.url}/   API reference: ${worker.url}/docs`,
      `  Redis REST           ${stackVars.UPSTASH_REDIS_REST_URL ?? settings.UPSTASH_REDIS_REST_URL}`,
      `  SMS inbox            ${inbox}`,
      '  Ctrl-C stops all of them.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    for (const close of closers) await close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void worker.exited.then((code) => stop(code ?? 0));
}

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && /^[A-Z0-9_]+$/.test(key)) picked[key] = value;
  return picked;
}

main().catch((error: unknown) => {
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
