import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevVars, LOCAL_REST_TOKEN_KEY } from '../../local/dev-vars.ts';

// `npm run dev` (local/dev.ts): the REST token it keeps per checkout, what it says when a port it
// needs is taken, and how little it prints before it is ready.

const DEV = path.resolve(import.meta.dirname, '../../local/dev.ts');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'otp-edge-dev-test-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the local REST token in .dev.vars', () => {
  it('is random per checkout, never the old well-known token, and private to the owner', async () => {
    const first = path.join(scratch, 'first.dev.vars');
    const second = path.join(scratch, 'second.dev.vars');
    const a = await ensureDevVars(first);
    const b = await ensureDevVars(second);
    expect(a.change).toBe('created');
    const token = a.values[LOCAL_REST_TOKEN_KEY];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(b.values[LOCAL_REST_TOKEN_KEY]);
    expect(token).not.toBe('local-dev-token');
    expect(statSync(first).mode & 0o077).toBe(0);
  });

  it('stays the same on later runs', async () => {
    const file = path.join(scratch, 'stable.dev.vars');
    const created = await ensureDevVars(file);
    const again = await ensureDevVars(file);
    expect(again.change).toBe('unchanged');
    expect(again.values[LOCAL_REST_TOKEN_KEY]).toBe(created.values[LOCAL_REST_TOKEN_KEY]);
  });

  it('is added to a .dev.vars written before it existed, keeping every other line', async () => {
    const file = path.join(scratch, 'older.dev.vars');
    const older = 'OTP_SECRET=keep-me\nRECEIPT_SIGNING_KEY=\'{"kty":"EC"}\'';
    writeFileSync(file, older);
    const result = await ensureDevVars(file);
    expect(result.change).toBe('token-added');
    expect(result.values).toMatchObject({ OTP_SECRET: 'keep-me', RECEIPT_SIGNING_KEY: '{"kty":"EC"}' });
    expect(result.values[LOCAL_REST_TOKEN_KEY]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(file, 'utf8').startsWith(`${older}\n`)).toBe(true);
  });
});

describe('npm run dev with a port in use', () => {
  let blocker: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  const started: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function runDev(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const cwd = mkdtempSync(path.join(scratch, 'checkout-'));
    const child = spawn(process.execPath, [DEV], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
  }

  it.each([
    'REDIS_REST_PORT',
    'PLIVO_SANDBOX_PORT',
    'TWILIO_SANDBOX_PORT',
    'WORKER_PORT',
    'WEBHOOK_INBOX_PORT',
  ])('exits 1 before starting anything and names %s as the setting to change', async (variable) => {
    const env = {
      REDIS_REST_PORT: '0',
      PLIVO_SANDBOX_PORT: '0',
      TWILIO_SANDBOX_PORT: '0',
      WORKER_PORT: '0',
      WEBHOOK_INBOX_PORT: '0',
      [variable]: String(busyPort),
    };
    const { code, output } = await runDev(env);
    expect(code).toBe(1);
    expect(output).toContain(`port ${busyPort} is in use`);
    expect(output).toContain(`set ${variable} to another port`);
    expect(output).not.toContain('created .dev.vars');
  });
});

describe('npm run dev before it is ready', () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('prints at most 15 lines up to its banner: the URLs, no bindings table, no warning to ignore', async () => {
    const cwd = mkdtempSync(path.join(scratch, 'quiet-'));
    child = spawn(process.execPath, [DEV], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_REST_PORT: '0',
        PLIVO_SANDBOX_PORT: '0',
        TWILIO_SANDBOX_PORT: '0',
        WORKER_PORT: '0',
        WEBHOOK_INBOX_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const banner = new Promise<void>((resolve, reject) => {
      let pending = '';
      const read = (chunk: Buffer) => {
        pending += chunk.toString();
        const complete = pending.split('\n');
        pending = complete.pop() ?? '';
        lines.push(...complete);
        if (complete.some((line) => line.includes('Ctrl-C stops all of them.'))) resolve();
      };
      child?.stdout?.on('data', read);
      child?.stderr?.on('data', read);
      child?.once('exit', (code) => reject(new Error(`npm run dev exited ${code}:\n${lines.join('\n')}`)));
    });
    await banner;
    const printed = lines.slice(0, lines.findIndex((line) => line.includes('Ctrl-C stops all of them.')) + 1);
    const report = printed.join('\n');
    expect(printed.length, report).toBeLessThanOrEqual(15);
    expect(report).toMatch(/API \(wrangler dev\)\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(report).toMatch(/SMS inbox\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(report).toMatch(/Twilio inbox\s+http:\/\/127\.0\.0\.1:\d+\//);
    for (const noise of [
      'following bindings',
      'Environment Variable',
      'WARNING',
      'RECEIPT_AUDIENCE',
      'update available',
    ])
      expect(report).not.toContain(noise);
  }, 180_000);
});
