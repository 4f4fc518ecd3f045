import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { create } from './support/twilio-client.ts';

const CLI = fileURLToPath(new URL('../../local/twilio-sandbox/cli.ts', import.meta.url));
const READY = /^Twilio sandbox on (http:\/\/127\.0\.0\.1:\d+) \(account (\S+), inbox at (\S+)\)$/m;
const ACCOUNT = 'AC11112222333344445555666677778888';
const API_KEY_SID = 'SK11112222333344445555666677778888';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function runCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function startCli(args: string[], env: Record<string, string> = {}) {
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
  return { child, url: ready[1] ?? '', account: ready[2] ?? '', inbox: ready[3] ?? '', stdout: () => output };
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('twilio sandbox CLI', () => {
  it('starts, takes an API key, prints received SMS and calls, and exits 0 on SIGTERM', async () => {
    const cli = await startCli([
      '--port',
      '0',
      '--account-sid',
      ACCOUNT,
      '--auth-token',
      'cli-token',
      '--api-key',
      `${API_KEY_SID}:cli-secret`,
      '--sender',
      '+14155550123',
    ]);
    expect(cli.account).toBe(ACCOUNT);
    expect(cli.inbox).toBe(`${cli.url}/`);
    expect(await (await fetch(`${cli.url}/`)).text()).toContain('Twilio sandbox');

    const sent = await create(
      cli.url,
      'Messages',
      { To: '+15557654321', From: '+14155550123', Body: 'Your code is 482913' },
      { accountSid: ACCOUNT, authorization: basic(API_KEY_SID, 'cli-secret') },
    );
    expect(sent.status).toBe(201);
    const called = await create(
      cli.url,
      'Calls',
      { To: '+15557654321', From: '+14155550123', Twiml: '<Response><Say>hi</Say></Response>' },
      { accountSid: ACCOUNT, authorization: basic(ACCOUNT, 'cli-token') },
    );
    expect(called.status).toBe(201);
    await expect.poll(cli.stdout).toContain('SMS to +15557654321 from +14155550123: "Your code is 482913"');
    await expect
      .poll(cli.stdout)
      .toContain('Call to +15557654321 from +14155550123, TwiML from the Twiml parameter');

    cli.child.kill('SIGTERM');
    expect(await exitOf(cli.child)).toEqual({ code: 0, signal: null });
    await expect(fetch(`${cli.url}/`)).rejects.toThrow();
  });

  it('takes its settings from the environment, then from built-in values', async () => {
    const fromEnv = await startCli([], {
      TWILIO_SANDBOX_PORT: '0',
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'env-token',
    });
    expect(fromEnv.account).toBe(ACCOUNT);
    const sent = await create(
      fromEnv.url,
      'Messages',
      { To: '+15557654321', From: '+14155550100', Body: 'hi' },
      { accountSid: ACCOUNT, authorization: basic(ACCOUNT, 'env-token') },
    );
    expect(sent.status).toBe(201);
    fromEnv.child.kill('SIGINT');
    expect(await exitOf(fromEnv.child)).toEqual({ code: 0, signal: null });

    const builtIn = await startCli(['--port', '0']);
    expect(builtIn.account).toBe('AC00000000000000000000000000000001');
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
    for (const option of [
      '--port',
      '--account-sid',
      '--auth-token',
      '--api-key',
      '--sender',
      '--geo-denied',
    ]) {
      expect(output).toContain(option);
    }
  });

  it('refuses malformed options and settings with exit code 2 and the usage', async () => {
    const bad = [
      ['--port', 'eighty'],
      ['--no-such-option'],
      ['--api-key', 'no-colon'],
      ['--account-sid', 'ACnothex'],
    ];
    for (const args of bad) {
      const child = runCli(['--port', '0', ...args]);
      let errors = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        errors += chunk;
      });
      expect(await exitOf(child)).toEqual({ code: 2, signal: null });
      expect(errors).toContain('Usage: ');
    }
  });
});
