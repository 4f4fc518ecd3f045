/**
 * Runs the Worker under `wrangler dev` and waits until it answers: what `npm run dev` and the
 * browser tests (test/browser/) share. Secrets go through a private env file, not the command line,
 * where every local user could read them in the process list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findFreePort, startChild } from './support/processes.ts';
import { createDevOutputFilter, type DevOutputFilter } from './wrangler-output.ts';

export interface WranglerDevOptions {
  /** Non-secret settings, passed as `--var NAME:VALUE`; they override wrangler.toml's [vars]. */
  vars?: Record<string, string>;
  /** Secrets (and anything else not for the command line): a private temp env file, loaded last. */
  secrets?: Record<string, string>;
  /** Env files loaded before `secrets` (a later file overrides an earlier one). */
  envFiles?: string[];
  /** Another wrangler config (relative to the repository root); default wrangler.toml. It needs an [env.dev]. */
  config?: string;
  /** Default: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  ip?: string;
  /**
   * `console`: wrangler's output goes on to this process's (npm run dev), less what the developer
   * need not read (local/wrangler-output.ts: its banner, build progress, bindings table, access
   * lines; warnings and errors go through). `capture` (default): its output is kept for the error
   * message if it fails to start (tests).
   */
  output?: 'console' | 'capture';
  /** Local storage directory; default a throwaway one, removed by stop(). */
  persistTo?: string;
  /** How long to wait for /health to answer. Default 90 s (the first run bundles and starts workerd). */
  readyTimeoutMs?: number;
}

export interface WranglerDev {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  /** Settles with wrangler's exit code when it exits, on its own or through stop(). */
  exited: Promise<number | null>;
  /** wrangler's process id; workerd runs below it (bench/soak.ts reads workerd's memory through it). */
  pid: number | undefined;
  /** The last few KB wrangler printed (capture mode only). */
  output(): string;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const STOP_TIMEOUT_MS = 10_000;

export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort());
  const capture = (options.output ?? 'capture') === 'capture';
  const scratch = mkdtempSync(path.join(tmpdir(), 'otp-edge-wrangler-'));
  const secretsFile = path.join(scratch, 'secrets.env');
  writeFileSync(secretsFile, toEnvFile(options.secrets ?? {}), { mode: 0o600 });

  const args = [
    WRANGLER_BIN,
    'dev',
    ...(options.config === undefined ? [] : ['--config', options.config]),
    // wrangler.toml's top level is production; development runs its explicit [env.dev].
    '--env',
    'dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--persist-to',
    options.persistTo ?? path.join(scratch, 'state'),
    ...(options.envFiles ?? []).flatMap((file) => ['--env-file', file]),
    '--env-file',
    secretsFile,
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  // Piped either way, so no TTY: wrangler's hotkeys are off; Ctrl-C still stops everything.
  args.push('--show-interactive-dev-session=false');

  const wrangler = startChild(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      // Miniflare otherwise fetches a `Request.cf` sample from workers.cloudflare.com on start:
      // a request off this machine, and a warning with a stack trace where there is no network.
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: capture ? '1' : (process.env.NO_COLOR ?? ''),
    },
    // Captured: its own process group, so stop() also reaches workerd, which wrangler starts.
    // Console: the terminal's Ctrl-C reaches both anyway.
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: capture,
  });
  const filter = createDevOutputFilter();
  if (!capture) {
    forwardLines(wrangler.child.stdout, process.stdout, filter);
    forwardLines(wrangler.child.stderr, process.stderr, filter);
  }
  const { exited } = wrangler;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await wrangler.stop('SIGINT', STOP_TIMEOUT_MS);
      rmSync(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  try {
    await waitUntilAnswering(`${url}/health`, exited, options.readyTimeoutMs ?? 90_000);
    filter.ready();
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    // Everything wrangler said, what the console filter held back included.
    throw new Error(`${message}\nwrangler output:\n${wrangler.output().trim()}`);
  }

  wrangler.unref();
  return { url, exited, pid: wrangler.child.pid, output: wrangler.output, stop };
}

/** Any HTTP answer counts: a misconfigured Worker answers 503, which the caller should see. */
async function waitUntilAnswering(healthUrl: string, exited: Promise<number | null>, timeoutMs: number) {
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`wrangler dev exited (code ${exitCode}) before ${healthUrl} answered`);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${healthUrl} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** dotenv syntax; values are single-quoted unless they contain a single quote (JSON keys do not). */
function toEnvFile(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`not an env variable name: ${name}`);
      if (/[\n\r]/.test(value)) throw new Error(`${name}: multi-line values are not supported`);
      return value.includes("'") ? `${name}="${value.replaceAll('"', '\\"')}"` : `${name}='${value}'`;
    })
    .join('\n')
    .concat('\n');
}

function forwardLines(
  from: NodeJS.ReadableStream | null,
  to: NodeJS.WritableStream,
  filter: DevOutputFilter,
): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    if (filter.keep(line)) to.write(`${line}\n`);
  });
}
