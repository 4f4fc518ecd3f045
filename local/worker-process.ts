/**
 * Runs the Worker under `wrangler dev` and waits until it answers: what `npm run dev` and the
 * browser tests (test/browser/) share. Secrets go through a private env file, not the command line,
 * where every local user could read them in the process list.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from './redis-process.ts';

export interface WranglerDevOptions {
  /** Non-secret settings, passed as `--var NAME:VALUE`; they override wrangler.toml's [vars]. */
  vars?: Record<string, string>;
  /** Secrets (and anything else not for the command line): a private temp env file, loaded last. */
  secrets?: Record<string, string>;
  /** Env files loaded before `secrets` (a later file overrides an earlier one). */
  envFiles?: string[];
  /** Default: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  ip?: string;
  /**
   * `inherit`: wrangler talks to this terminal, hotkeys included (npm run dev). `capture`
   * (default): its output is kept for the error message if it fails to start (tests).
   */
  output?: 'inherit' | 'capture';
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

// Children still running when this process exits for any reason that runs 'exit' handlers.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

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
  if (capture) args.push('--show-interactive-dev-session=false');

  installExitHook();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: capture ? '1' : (process.env.NO_COLOR ?? ''),
    },
    // Captured: its own process group, so stop() also reaches workerd, which wrangler starts.
    // Inherited: the terminal's Ctrl-C reaches both anyway, and wrangler needs the TTY for hotkeys.
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    detached: capture,
  });
  liveChildren.add(child);

  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      liveChildren.delete(child);
      resolve(code);
    });
    child.once('error', (error) => {
      keepTail(Buffer.from(`\ncannot start wrangler: ${error.message}`));
      liveChildren.delete(child);
      resolve(null);
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const signal = (name: NodeJS.Signals) => {
          try {
            if (capture && child.pid !== undefined) process.kill(-child.pid, name);
            else child.kill(name);
          } catch {
            // Already gone.
          }
        };
        const forceKill = setTimeout(() => signal('SIGKILL'), STOP_TIMEOUT_MS);
        signal('SIGINT');
        await exited;
        clearTimeout(forceKill);
      }
      rmSync(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  try {
    await waitUntilAnswering(`${url}/health`, exited, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(capture ? `${message}\nwrangler output:\n${output.trim()}` : message);
  }

  // A forgotten stop() must not keep the parent alive; the exit hook still kills the group.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) if (stream instanceof net.Socket) stream.unref();
  return { url, exited, pid: child.pid, output: () => output, stop };
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

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  });
}
