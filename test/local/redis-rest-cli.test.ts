import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Redis } from '@upstash/redis';
import { afterEach, describe, expect, it } from 'vitest';
import { startThrowawayRedis } from '../../local/redis-process.ts';

// The `npm run local:redis-rest` entry point as a real child process.

const CLI = path.resolve(import.meta.dirname, '../../local/redis-rest/cli.ts');
const READY = /Redis REST server on (http:\/\/\S+) \(token: (\S+)\) → redis:\/\/127\.0\.0\.1:(\d+)/;

interface RunningCli {
  child: ChildProcess;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => output, exit };
}

async function waitForReady(cli: RunningCli): Promise<{ url: string; token: string; redisPort: number }> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const match = READY.exec(cli.output());
    if (match?.[1] && match[2] && match[3])
      return { url: match[1], token: match[2], redisPort: Number(match[3]) };
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`CLI never printed its ready line. Output:\n${cli.output()}`);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilClosed(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isListening(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('local:redis-rest CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves on a random port with its own redis-server and on %s exits 0 and stops that redis-server',
    async (signal) => {
      const cli = runCli(['--port', '0', '--token', 'cli-test-token']);
      const { url, token, redisPort } = await waitForReady(cli);
      expect(token).toBe('cli-test-token');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toMatch(/:0$/);

      const redis = new Redis({ url, token, retry: false });
      await redis.set('cli-test', '012345');
      expect(await redis.get('cli-test')).toBe('012345');

      cli.child.kill(signal);
      expect(await cli.exit).toEqual({ code: 0, signal: null });
      expect(await isListening(redisPort)).toBe(false);
    },
  );

  it('takes its port and token from REDIS_REST_PORT and UPSTASH_REDIS_REST_TOKEN', async () => {
    const cli = runCli([], {
      ...process.env,
      REDIS_REST_PORT: '0',
      UPSTASH_REDIS_REST_TOKEN: 'token-from-env',
    });
    const { url, token } = await waitForReady(cli);
    expect(token).toBe('token-from-env');
    expect(await new Redis({ url, token, retry: false }).ping()).toBe('PONG');
    cli.child.kill('SIGTERM');
    expect((await cli.exit).code).toBe(0);
  });

  it('uses the Redis given with --redis-url and leaves it running on exit', async () => {
    const external = await startThrowawayRedis();
    try {
      const cli = runCli(['--port', '0', '--token', 't', '--redis-url', external.url]);
      const { redisPort } = await waitForReady(cli);
      expect(redisPort).toBe(external.port);
      cli.child.kill('SIGTERM');
      expect((await cli.exit).code).toBe(0);
      expect(await isListening(external.port)).toBe(true);
    } finally {
      await external.stop();
    }
  });

  it('does not leave its redis-server behind when it is killed outright', async () => {
    const cli = runCli(['--port', '0']);
    const { redisPort } = await waitForReady(cli);
    cli.child.kill('SIGKILL');
    await cli.exit;
    expect(await waitUntilClosed(redisPort, 5_000)).toBe(true);
  });

  it('exits 1 with install instructions when redis-server is not on PATH', async () => {
    const cli = runCli(['--port', '0'], {
      ...process.env,
      PATH: path.dirname(process.execPath),
      REDIS_URL: '',
    });
    expect((await cli.exit).code).toBe(1);
    expect(cli.output()).toContain('apt-get install -y redis-server');
    expect(cli.output()).toContain('brew install redis');
    expect(cli.output()).toContain('--redis-url');
  });

  it('prints usage for --help and rejects unknown options with exit code 2', async () => {
    const help = runCli(['--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.output()).toMatch(/Usage: .*cli\.ts/);
    expect(help.output()).toContain('--latency-ms');

    const bogus = runCli(['--no-such-option']);
    expect((await bogus.exit).code).toBe(2);
    expect(bogus.output()).toContain('--no-such-option');
  });
});
