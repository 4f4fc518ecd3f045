import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, latestSmsCode, startDevStack } from './support/dev-stack.ts';

/**
 * packages/client/README.md's examples as a reader runs them: the client packed and installed from
 * its tarball into an empty project, each fenced `ts` block saved under the file name its first line
 * gives and run with `node` (type stripping), against the Worker under `wrangler dev`.
 */
const repo = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
// Children behave as if typed in a fresh shell, not as part of the `npm test` that started vitest.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

let stack: DevStack;
let work: string;
let consumer: string;
let examples: string[];

beforeAll(async () => {
  stack = await startDevStack();
  work = await mkdtemp(join(tmpdir(), 'otp-edge-client-readme-'));
  consumer = join(work, 'consumer');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: join(repo, 'packages/client'),
    env: cleanEnv,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
  await mkdir(consumer);
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], {
    cwd: consumer,
    env: cleanEnv,
  });
  const readme = await readFile(join(repo, 'packages/client/README.md'), 'utf8');
  examples = [];
  for (const [, block] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w-]+\.ts):/.exec(block ?? '')?.[1];
    if (!name || !block) throw new Error(`a ts example without its file name on the first line:\n${block}`);
    await writeFile(join(consumer, name), block);
    examples.push(name);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function example(name: string, args: string[], baseUrl = stack.workerUrl): Promise<string> {
  const { stdout } = await run(process.execPath, [name, ...args], {
    cwd: consumer,
    env: { ...cleanEnv, OTP_BASE_URL: baseUrl, OTP_API_KEY: '' },
  });
  return stdout.trim();
}

async function closedPortUrl(): Promise<string> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((done) => probe.once('listening', done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

describe("the client README's examples, run against wrangler dev", () => {
  it('are the three files the README names', () => {
    expect(examples).toEqual(['request-code.ts', 'verify-code.ts', 'verification.ts']);
  });

  it('request a code, follow it, refuse a wrong code and approve the right one', async () => {
    const phone = '+14155552671';
    const requested = await example('request-code.ts', [phone]);
    const verificationId = /verificationId ([\w-]{90})$/.exec(requested)?.[1];
    expect(requested, requested).toMatch(/^code sent by sms; verificationId /);
    if (!verificationId) throw new Error(requested);

    expect(await example('verification.ts', [verificationId])).toBe(
      'pending by sms, 5 attempts left, delivery not reported yet',
    );
    const code = await latestSmsCode(stack.sandboxUrl, phone);
    const wrong = code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    expect(await example('verify-code.ts', [verificationId, wrong])).toBe('wrong code: 4 attempts left');
    expect(await example('verify-code.ts', [verificationId, code])).toMatch(
      /^approved; receipt [\w-]+\.[\w-]+\.[\w-]+$/,
    );
    expect(await example('request-code.ts', [phone])).toMatch(/^resend_too_soon: try again in \d+ s$/);
  });

  it('say which of the API answers went wrong, and when no answer came at all', async () => {
    expect(await example('request-code.ts', ['+1415'])).toMatch(/^invalid_phone: /);
    expect(await example('verification.ts', ['not-an-id'])).toMatch(/^verification_not_found: /);
    expect(await example('verification.ts', ['any-id'], await closedPortUrl())).toBe(
      'otp-edge unreachable: network_error',
    );
  });
});
