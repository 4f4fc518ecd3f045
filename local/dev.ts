/**
 * `npm run dev`: the whole local stack in one command. Starts (unless real ones are configured)
 * an Upstash-compatible Redis REST server in front of a throwaway redis-server, the Twilio sandbox and a Plivo
 * sandbox, then `wrangler dev` wired to them; prints the URLs; stops everything on Ctrl-C.
 */
import net from 'node:net';
import path from 'node:path';
import { generateWebhookSecret } from '../scripts/keygen.ts';
import { devEnvironmentVar, ensureDevVars, LOCAL_REST_TOKEN_KEY, readDevVars } from './dev-vars.ts';
import { startLocalStack } from './stack.ts';
import { findFreePort } from './support/processes.ts';

const DEV_VARS = '.dev.vars';
const HOST = '127.0.0.1';

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
}

// Checked before anything starts, so the message names the setting to change instead of a
// half-started stack failing with a bare EADDRINUSE (or wrangler quietly picking another port).
async function assertPortFree(variable: string, value: number): Promise<void> {
  if (value === 0) return;
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(value, HOST, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `port ${value} is in use: stop what listens there or set ${variable} to another port (0 picks a free one), e.g. ${variable}=${value + 1} npm run dev`,
    );
  }
}

async function main() {
  const configured = { ...readDevVars(DEV_VARS), ...pickDefined(process.env) };
  const useRealRedis = Boolean(configured.UPSTASH_REDIS_REST_URL && configured.UPSTASH_REDIS_REST_TOKEN);
  const useRealPlivo = Boolean(
    configured.PLIVO_BASE_URL && configured.PLIVO_AUTH_ID && configured.PLIVO_AUTH_TOKEN,
  );
  // Twilio is optional: its sandbox runs unless .dev.vars points at a real account.
  const useRealTwilio = Boolean(
    configured.TWILIO_BASE_URL && configured.TWILIO_ACCOUNT_SID && configured.TWILIO_AUTH_TOKEN,
  );
  const ports = {
    rest: port('REDIS_REST_PORT', 8079),
    sandbox: port('PLIVO_SANDBOX_PORT', 8790),
    // 8791, the sandbox's own default, is the webhook inbox's here.
    twilioSandbox: port('TWILIO_SANDBOX_PORT', 8792),
    worker: port('WORKER_PORT', 8787),
    webhookInbox: port('WEBHOOK_INBOX_PORT', 8791),
  };
  // Events go to the local webhook inbox unless .dev.vars names a receiver of its own.
  const useOwnWebhook = Boolean(configured.EVENT_WEBHOOK_URL);
  if (!useRealRedis) await assertPortFree('REDIS_REST_PORT', ports.rest);
  if (!useRealPlivo) await assertPortFree('PLIVO_SANDBOX_PORT', ports.sandbox);
  if (!useRealTwilio) await assertPortFree('TWILIO_SANDBOX_PORT', ports.twilioSandbox);
  await assertPortFree('WORKER_PORT', ports.worker);
  if (!useOwnWebhook) await assertPortFree('WEBHOOK_INBOX_PORT', ports.webhookInbox);

  const devVars = await ensureDevVars(DEV_VARS);
  if (devVars.change === 'created')
    console.log(`dev: created ${DEV_VARS} with fresh secrets and a Redis REST token (not committed)`);
  if (devVars.change === 'token-added')
    console.log(`dev: added a random ${LOCAL_REST_TOKEN_KEY} to ${DEV_VARS}`);
  const settings = { ...devVars.values, ...pickDefined(process.env) };
  const restToken = settings[LOCAL_REST_TOKEN_KEY];
  if (!useRealRedis && !restToken)
    throw new Error(`${DEV_VARS} has an empty ${LOCAL_REST_TOKEN_KEY}: remove the line to get a new one`);
  if (useRealRedis) console.log(`dev: using the Redis REST endpoint ${settings.UPSTASH_REDIS_REST_URL}`);
  if (useRealPlivo) console.log(`dev: sending real SMS through ${settings.PLIVO_BASE_URL}`);

  // With the sandbox, every channel works locally: calls and WhatsApp land in its inbox too, and
  // the sandbox reaches the Worker at its own address for delivery reports and a call's words
  // (what "Call me instead" and channel "auto" need). .dev.vars may still set any of them.
  const workerPort = ports.worker === 0 ? await findFreePort() : ports.worker;
  const senderSecrets: Record<string, string> = useRealPlivo
    ? {}
    : {
        PLIVO_SENDER: settings.PLIVO_SENDER ?? 'OTPEDGE',
        PLIVO_VOICE_SRC: settings.PLIVO_VOICE_SRC ?? '+14155550100',
        PLIVO_WHATSAPP_SRC: settings.PLIVO_WHATSAPP_SRC ?? '+14155550100',
        PLIVO_WHATSAPP_TEMPLATE: settings.PLIVO_WHATSAPP_TEMPLATE ?? 'otp_login',
        PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL ?? `http://${HOST}:${workerPort}`,
      };
  // The stack's URLs and tokens go in last, over .dev.vars.
  const stack = await startLocalStack({
    // The KEY_PREFIX the Worker runs with (.dev.vars over [env.dev]): what "Reset local limits" clears.
    limitResetKeyPrefix: devVars.values.KEY_PREFIX ?? devEnvironmentVar('KEY_PREFIX') ?? 'otp:',
    redisRest: useRealRedis ? false : { token: restToken ?? '', port: ports.rest },
    // LOCAL_STORE_REGIONS="eu:GB,DE,FR;ap:AU,NZ": one more REST server and redis-server per region
    // (docs/regions.md), wired as STORE_REGIONS; the server above stays the default region.
    storeRegions: useRealRedis ? {} : localStoreRegions(process.env.LOCAL_STORE_REGIONS, restToken ?? ''),
    plivo: useRealPlivo
      ? false
      : { authId: 'MASANDBOX000000000000', authToken: 'sandbox-auth-token', port: ports.sandbox },
    // Routed to only when SMS_ROUTES / VOICE_ROUTES name it (.dev.vars); the stack fills TWILIO_*.
    twilio: useRealTwilio
      ? false
      : {
          accountSid: 'AC00000000000000000000000000000001',
          authToken: 'sandbox-auth-token',
          port: ports.twilioSandbox,
        },
    webhookInbox: useOwnWebhook
      ? false
      : {
          secrets: (settings.EVENT_WEBHOOK_SECRETS ?? generateWebhookSecret()).split(','),
          port: ports.webhookInbox,
        },
    worker: {
      port: workerPort,
      // Absolute: wrangler runs in the repository root, which need not be this process's directory.
      envFiles: [path.resolve(DEV_VARS)],
      secrets: senderSecrets,
      output: 'console',
      persistTo: '.wrangler/state',
    },
  });
  const { worker } = stack;
  const inbox = stack.plivo ? `${stack.plivo.url}/` : 'real Plivo (no inbox)';

  console.log(
    [
      '',
      'otp-edge local stack',
      `  API (wrangler dev)   ${worker.url}   try: curl ${worker.url}/health`,
      `  Demo page            ${worker.url}/   API reference: ${worker.url}/docs`,
      `  Operator dashboard   ${worker.url}/admin   (with a key of ADMIN_API_KEYS in .dev.vars)`,
      `  Redis REST           ${stack.redisRest?.server.url ?? settings.UPSTASH_REDIS_REST_URL}`,
      ...Object.entries(stack.storeRegions).map(
        ([name, region]) => `  Store region ${name.padEnd(8)}${region.server.url}`,
      ),
      `  SMS inbox            ${inbox}`,
      `  Twilio inbox         ${stack.twilio ? `${stack.twilio.url}/` : 'real Twilio (no inbox)'}   (used when SMS_ROUTES names twilio)`,
      `  Webhook inbox        ${stack.webhookInbox ? `${stack.webhookInbox.url}/` : settings.EVENT_WEBHOOK_URL}`,
      ...(stack.plivo && stack.redisRest
        ? ['  Limits in the way?   npm run local:reset-limits (or the inbox\'s "Reset local limits")']
        : []),
      '  Ctrl-C stops all of them.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void worker.exited.then((code) => stop(code ?? 0));
}

function localStoreRegions(
  spec: string | undefined,
  token: string,
): Record<string, { token: string; countries: string[] }> {
  const regions: Record<string, { token: string; countries: string[] }> = {};
  for (const entry of spec?.split(';') ?? []) {
    const [name = '', countries = ''] = entry.split(':').map((part) => part.trim());
    if (name === '') continue;
    regions[name] = {
      token,
      countries: countries
        .split(',')
        .map((country) => country.trim())
        .filter(Boolean),
    };
  }
  return regions;
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
