import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cliRunner, exitOf } from './support/cli-process.ts';
import { create } from './support/twilio-client.ts';

const CLI = fileURLToPath(new URL('../../local/twilio-sandbox/cli.ts', import.meta.url));
const READY = /^Twilio sandbox on (http:\/\/127\.0\.0\.1:\d+) \(account (\S+), inbox at (\S+)\)$/m;
const ACCOUNT = 'AC11112222333344445555666677778888';
const API_KEY_SID = 'SK11112222333344445555666677778888';

const runner = cliRunner(CLI);
afterEach(() => runner.killAll());

async function startCli(args: string[], env: Record<string, string> = {}) {
  const started = await runner.start(args, READY, env);
  const [, url = '', account = '', inbox = ''] = started.ready;
  return { child: started.child, url, account, inbox, stdout: started.stdout };
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
    const help = runner.run(['--help']);
    expect(await exitOf(help.child)).toEqual({ code: 0, signal: null });
    const output = help.stdout();
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
      const refused = runner.run(['--port', '0', ...args]);
      expect(await exitOf(refused.child)).toEqual({ code: 2, signal: null });
      expect(refused.stderr()).toContain('Usage: ');
    }
  });
});
