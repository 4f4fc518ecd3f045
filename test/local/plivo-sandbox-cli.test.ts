import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cliRunner, exitOf } from './support/cli-process.ts';

const CLI = fileURLToPath(new URL('../../local/plivo-sandbox/cli.ts', import.meta.url));
const READY = /^Plivo sandbox on (http:\/\/127\.0\.0\.1:\d+) \(auth id (\S+), inbox at (\S+)\)$/m;

const runner = cliRunner(CLI);
afterEach(() => runner.killAll());

async function startCli(args: string[], env: Record<string, string> = {}) {
  const started = await runner.start(args, READY, env);
  const [, url = '', authId = '', inbox = ''] = started.ready;
  return { child: started.child, url, authId, inbox, stdout: started.stdout };
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
    const help = runner.run(['--help']);
    expect(await exitOf(help.child)).toEqual({ code: 0, signal: null });
    const output = help.stdout();
    expect(output).toMatch(/^Usage: /);
    for (const option of ['--port', '--auth-id', '--auth-token', '--latency-ms'])
      expect(output).toContain(option);
  });

  it('refuses a malformed option with exit code 2 and the usage', async () => {
    for (const args of [['--port', 'eighty'], ['--latency-ms', '-5'], ['--no-such-option']]) {
      const refused = runner.run(args);
      expect(await exitOf(refused.child)).toEqual({ code: 2, signal: null });
      expect(refused.stderr()).toContain('Usage: ');
    }
  });
});
