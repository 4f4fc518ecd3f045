import { parseArgs } from 'node:util';
import { generateRestToken } from '../dev-vars.ts';
import { startLocalStack } from '../stack.ts';
import type { LocalRedisRest } from './local-stack.ts';
import { redactRedisUrl } from './redis-url.ts';

const USAGE = `Usage: node local/redis-rest/cli.ts [options]

An Upstash-compatible Redis REST server (the protocol @upstash/redis speaks) in front of a real Redis.

Options:
  --port <n>          HTTP port, 0 for a random free one (env REDIS_REST_PORT, default 8079)
  --host <addr>       Interface to listen on (default 127.0.0.1)
  --token <t>         Bearer token clients must send (env UPSTASH_REDIS_REST_TOKEN; default a fresh
                      random token for this run, printed below)
  --redis-url <url>   Redis to use, redis://[user:password@]host:port[/db] (env REDIS_URL);
                      without it a throwaway redis-server is started and stopped on exit
  --latency-ms <n>    Delay added to every request, to emulate edge-to-region distance (default 0)
  --verbose           Log each request's command names (never their arguments)
  --help              Show this help
`;

function fail(message: string, exitCode: number): never {
  console.error(message);
  process.exit(exitCode);
}

function parseNonNegativeInteger(text: string, option: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max)
    fail(`${option} must be an integer between 0 and ${max}, got ${text}`, 2);
  return value;
}

let parsed: ReturnType<typeof parseCommandLine>;
function parseCommandLine() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'redis-url': { type: 'string' },
      'latency-ms': { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
}
try {
  parsed = parseCommandLine();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, 2);
}

const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = parseNonNegativeInteger(values.port ?? process.env.REDIS_REST_PORT ?? '8079', '--port', 65_535);
const latencyMs = parseNonNegativeInteger(values['latency-ms'], '--latency-ms', 600_000);
// Never a well-known default: any process or page that can reach the port could use it.
const token = values.token ?? (process.env.UPSTASH_REDIS_REST_TOKEN || generateRestToken());
if (token === '') fail('--token must not be empty', 2);
const redisUrl = values['redis-url'] ?? (process.env.REDIS_URL || undefined);

// Handlers go in before anything starts: a signal that arrives before them would kill the process
// outright and orphan the throwaway redis-server, and the ready line must mean "safe to signal".
let stack: LocalRedisRest | undefined;
let stopRequested = false;
let shuttingDown = false;
async function shutDown(running: LocalRedisRest): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    await running.close();
    process.exit(0);
  } catch (error) {
    fail(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
}
function onSignal(): void {
  stopRequested = true;
  if (stack) void shutDown(stack);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const started = await startLocalStack({
    redisRest: { port, host: values.host, token, redisUrl, latencyMs, verbose: values.verbose },
  });
  stack = { ...started.redisRest, close: started.close };
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 1);
}

if (stopRequested) {
  await shutDown(stack);
} else {
  const target = stack.throwawayRedis
    ? `${stack.redisUrl} (throwaway redis-server)`
    : redactRedisUrl(stack.redisUrl);
  console.log(`Upstash-compatible Redis REST server on ${stack.server.url} (token: ${token}) → ${target}`);
}
