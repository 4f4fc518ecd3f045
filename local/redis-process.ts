import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { RedisConnection } from './redis-rest/redis-connection.ts';
import { findExecutable, findFreePort, startChild } from './support/processes.ts';

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

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const binary = findExecutable('redis-server');
  if (binary === undefined) throw new Error(REDIS_INSTALL_HINT);
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
  const redis = startChild(
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
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, outputTailBytes: 4_000 },
  );
  const watchdog = redis.child.pid === undefined ? undefined : startWatchdog(redis.child.pid);
  // Its pid may be reused once it has exited: the watchdog must not outlive it.
  void redis.exited.then(() => watchdog?.kill('SIGKILL'));
  const spawnFailed = new Promise<never>((_, reject) => {
    redis.child.once('error', (error) => reject(new Error(`Cannot start ${binary}: ${error.message}`)));
  });
  spawnFailed.catch(() => undefined);

  const stop = async () => {
    watchdog?.kill('SIGKILL');
    await redis.stop('SIGTERM', STOP_TIMEOUT_MS);
  };

  try {
    await Promise.race([waitUntilAnswering(port, redis.exited), spawnFailed]);
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    if (/address already in use/i.test(redis.output())) throw new PortInUseError(message);
    throw new Error(`${message}\nredis-server output:\n${redis.output().trim()}`);
  }

  redis.unref();
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

async function waitUntilAnswering(port: number, exited: Promise<unknown>): Promise<void> {
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
