import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../local/plivo-sandbox/cli.ts', import.meta.url));
const READY = /^Plivo sandbox on (http:\/\/127\.0\.0\.1:\d+) \(auth id (\S+), inbox at (\S+)\)$/m;

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface RunningCli {
  child: ChildProcess;
  url: string;
  authId: string;
  inbox: string;
  stdout: () => string;
}

function runCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function startCli(args: string[], env: Record<string, string> = {}): Promise<RunningCli> {
  const child = runCli(args, env);
  let output = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const deadline = Date.now() + 15_000;
  let ready = READY.exec(output);
  while (!ready) {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`CLI never became ready; stdout: ${output} stderr: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    ready = READY.exec(output);
  }
  return {
    child,
    url: ready[1] ?? '',
    authId: ready[2] ?? '',
    inbox: ready[3] ?? '',
    stdout: () => output,
  };
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal };
}

describe('plivo sandbox CLI', () => {
  it('starts on a random port, serves the inbox, prints received SMS, and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['--port', '0', '--auth-id', 'MACLITEST', '--auth-token', 'cli-token']);
    expect(cli.authId).toBe('MACLITEST');
    expect(cli.inbox).toBe(`${cli.url}/`);

    const page = await fetch(`${cli.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('SMS inbox');

    const send = await fetch(`${cli.url}/v1/Account/MACLITEST/Message/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('MACLITEST:cli-token').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'Your code is 482913' }),
    });
    expect(send.status).toBe(202);
    await expect
      .poll(cli.stdout, { timeout: 5_000 })
      .toContain('SMS to +15557654321 from +15550001111: "Your code is 482913"');

    cli.child.kill('SIGTERM');
    expect(await exitOf(cli.child)).toEqual({ code: 0, signal: null });
    await expect(fetch(`${cli.url}/`)).rejects.toThrow();
  });

  it('exits 0 on SIGINT too', async () => {
    const cli = await startCli(['--port', '0']);
    cli.child.kill('SIGINT');
    expect(await exitOf(cli.child)).toEqual({ code: 0, signal: null });
  });

  it('takes its defaults from the environment, then from built-in values', async () => {
    const fromEnv = await startCli([], {
      PLIVO_SANDBOX_PORT: '0',
      PLIVO_AUTH_ID: 'MAFROMENV',
      PLIVO_AUTH_TOKEN: 'env-token',
    });
    expect(fromEnv.authId).toBe('MAFROMENV');
    const send = await fetch(`${fromEnv.url}/v1/Account/MAFROMENV/Message/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('MAFROMENV:env-token').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'hi' }),
    });
    expect(send.status).toBe(202);
    fromEnv.child.kill('SIGTERM');
    await exitOf(fromEnv.child);

    const builtIn = await startCli(['--port', '0']);
    expect(builtIn.authId).toBe('MAsandbox000000000000');
    builtIn.child.kill('SIGTERM');
    await exitOf(builtIn.child);
  });

  it('prints usage for --help and exits 0', async () => {
    const child = runCli(['--help']);
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/^Usage: /);
    for (const option of ['--port', '--auth-id', '--auth-token', '--latency-ms'])
      expect(output).toContain(option);
  });

  it('refuses a malformed option with exit code 2 and the usage', async () => {
    for (const args of [['--port', 'eighty'], ['--latency-ms', '-5'], ['--no-such-option']]) {
      const child = runCli(args);
      let errors = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        errors += chunk;
      });
      expect(await exitOf(child)).toEqual({ code: 2, signal: null });
      expect(errors).toContain('Usage: ');
    }
  });
});
