// The one way the local stack starts and supervises child processes (redis-server, wrangler dev):
// every child is known to a single exit hook, keeps the tail of its output for error messages,
// and stops with a signal, then SIGKILL if it outstays a timeout.

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface SupervisedChild {
  child: ChildProcess;
  /** Settles with the exit code (null after a signal or a failed spawn) once the child is gone. */
  exited: Promise<number | null>;
  /** The last bytes it printed (when its output is piped). */
  output(): string;
  /** Signals it (its whole process group when spawned detached), SIGKILL after `timeoutMs`. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
  /** A forgotten stop() must not keep this process alive; the exit hook still kills the child. */
  unref(): void;
}

// Children still running when this process exits for any reason that runs 'exit' handlers.
const live = new Set<SupervisedChild>();
let exitHookInstalled = false;

export function startChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { outputTailBytes?: number },
): SupervisedChild {
  installExitHook();
  const child = spawn(command, args, options);
  const group = options.detached === true;
  const tailBytes = options.outputTailBytes ?? 8_000;
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-tailBytes);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      keepTail(Buffer.from(`\ncannot start ${command}: ${error.message}`));
      resolve(null);
    });
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  let stopping: Promise<void> | undefined;
  const supervised: SupervisedChild = {
    child,
    exited,
    output: () => output,
    stop: (name, timeoutMs) => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        // Referenced again so the event loop stays alive until the child is really gone.
        child.ref();
        const forceKill = setTimeout(() => signal('SIGKILL'), timeoutMs);
        signal(name);
        await exited;
        clearTimeout(forceKill);
      })();
      return stopping;
    },
    unref: () => {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) if (stream instanceof net.Socket) stream.unref();
    },
  };
  live.add(supervised);
  void exited.then(() => live.delete(supervised));
  return supervised;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const supervised of live) {
      const { child } = supervised;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  });
}

export function findExecutable(name: string): string | undefined {
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
