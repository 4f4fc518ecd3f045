import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RedisConnection } from './redis-rest/redis-connection.ts';

export interface ThrowawayRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install -y redis-server`; ' +
  'macOS: `brew install redis`) or point at a running Redis with --redis-url / REDIS_URL.';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 5;

// Children still running when this process exits for any reason that runs 'exit' handlers.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const binary = findExecutable('redis-server');
  if (binary === undefined) throw new Error(REDIS_INSTALL_HINT);
  installExitHook();
  let lastError: Error | undefined;
  // The free port we picked can be taken before redis-server binds it: pick another.
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      return await launch(binary, await findFreePort());
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      lastError = error;
    }
  }
  throw lastError ?? new Error('Could not start redis-server');
}

class PortInUseError extends Error {}

async function launch(binary: string, port: number): Promise<ThrowawayRedis> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      tmpdir(),
      '--loglevel',
      'warning',
    ],
    // Own process group: a terminal's Ctrl-C reaches only the parent, which then stops Redis in
    // order (after the HTTP server) instead of Redis vanishing under in-flight requests.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  liveChildren.add(child);
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      liveChildren.delete(child);
      // Its pid may be reused from now on: the watchdog must not outlive it.
      watchdog?.kill('SIGKILL');
      resolve();
    });
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`Cannot start ${binary}: ${error.message}`)));
  });
  spawnFailed.catch(() => undefined);

  const stop = async () => {
    watchdog?.kill('SIGKILL');
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Referenced again so the event loop stays alive until Redis is really gone.
    child.ref();
    const forceKill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(forceKill);
  };

  try {
    await Promise.race([waitUntilAnswering(port, exited), spawnFailed]);
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    if (/address already in use/i.test(output)) throw new PortInUseError(message);
    throw new Error(`${message}\nredis-server output:\n${output.trim()}`);
  }

  // A forgotten stop() must not keep the parent alive; the exit hook and watchdog still kill it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) if (stream instanceof net.Socket) stream.unref();
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

async function waitUntilAnswering(port: number, exited: Promise<void>): Promise<void> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (hasExited) throw new Error(`redis-server exited before answering PING on port ${port}`);
    try {
      const connection = await RedisConnection.connect({ host: '127.0.0.1', port, db: 0 });
      try {
        const reply = await connection.call('PING');
        if (Buffer.isBuffer(reply) && reply.toString() === 'PONG') return;
      } finally {
        connection.destroy();
      }
    } catch {
      // Not listening yet (or still loading): try again shortly.
    }
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// 'exit' handlers do not run when the parent is SIGKILLed or dies on an unhandled signal. This
// tiny shell blocks reading a pipe from us; when our end closes, however we died, it kills Redis.
function startWatchdog(pid: number): ChildProcess | undefined {
  try {
    const watchdog = spawn('sh', ['-c', 'read _ignored; kill -9 "$0" 2>/dev/null', String(pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    if (watchdog.stdin instanceof net.Socket) watchdog.stdin.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

function findExecutable(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port nothing listens on right now (it can still be taken before the caller binds it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
