import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '../../src/http/error-codes.ts';

/**
 * @otp-edge/client as a customer gets it: packed with `npm pack` (which builds it), installed
 * offline from the tarball into an empty project, then used from a plain Node ESM script and
 * type-checked by TypeScript with nodenext resolution and no bundler. Nothing from this repository
 * is reachable from the consumer but the tarball, so a missing file, a `.d.ts` that imports zod or
 * the Worker's source, or a broken `exports` map fails here.
 */
const repo = resolve(import.meta.dirname, '../..');
const packageDir = join(repo, 'packages/client');
const tsc = join(repo, 'node_modules/.bin/tsc');
const run = promisify(execFile);

// Children must not inherit the npm settings of the `npm test` that may have started vitest (its
// prefix, its lifecycle event): each npm call here behaves as if typed in a fresh shell.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function runIn(command: string, args: string[], cwd: string) {
  return run(command, args, { cwd, env: childEnv, maxBuffer: 10 * 1024 * 1024 });
}

/** tsc's exit status and report, for asserting both success and the failures we expect. */
async function typeCheck(cwd: string, project: string): Promise<{ exitCode: number; report: string }> {
  try {
    const { stdout } = await runIn(tsc, ['-p', project], cwd);
    return { exitCode: 0, report: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? -1, report: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * Plays the otp-edge API with the Worker's own error envelope (`errorBody`): the request endpoint
 * is in its resend cooldown, verify approves, a path under `/stalled` never answers, and any other
 * path is a proxy's HTML error page.
 */
function startStandInApi(seen: SeenRequest[]): Server {
  return createServer(async (request, response) => {
    if (request.url?.startsWith('/stalled/')) return;
    let text = '';
    for await (const chunk of request) text += chunk;
    seen.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: JSON.parse(text || 'null'),
    });
    if (request.url === '/otp/request') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '42' });
      response.end(JSON.stringify(errorBody('resend_too_soon', { retryAfterSeconds: 42 })));
    } else if (request.url === '/otp/verify') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ status: 'approved', receipt: 'header.payload.signature', expiresInSeconds: 600 }),
      );
    } else {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>502 Bad Gateway</body></html>');
    }
  }).listen(0, '127.0.0.1');
}

const consumerScript = `
import { createOtpClient, OtpClientError } from '@otp-edge/client';

const [baseUrl, closedUrl] = process.argv.slice(2);
const otp = createOtpClient({ baseUrl: baseUrl + '/', apiKey: 'consumer-key-0123456789abcdef' });
const sent = await otp.requestCode('+14155552671', { endUserIp: '198.51.100.7' });
const checked = await otp.verifyCode('vid-0123456789abcdefghijk', '123456');
async function thrownBy(options) {
  try {
    await createOtpClient(options).requestCode('+14155552671');
    return 'nothing thrown';
  } catch (error) {
    return { isOtpClientError: error instanceof OtpClientError, name: error.name, code: error.code, status: error.status ?? null };
  }
}
const thrown = await thrownBy({ baseUrl: baseUrl + '/behind-a-proxy' });
const unreachable = await thrownBy({ baseUrl: closedUrl });
const stalled = await thrownBy({ baseUrl: baseUrl + '/stalled', timeoutMs: 300 });
console.log(JSON.stringify({ sent, checked, thrown, unreachable, stalled }));
`;

// Uses every export the way the README shows; only the declarations in the tarball back it.
const consumerTypes = `
import {
  createOtpClient,
  type ErrorCode,
  type OtpApiError,
  type OtpApproved,
  OtpClientError,
  type OtpClientErrorCode,
  type OtpPending,
  type OtpResult,
  type RateLimitScope,
} from '@otp-edge/client';

const otp = createOtpClient({
  baseUrl: 'https://otp.example.com',
  apiKey: 'consumer-key-0123456789abcdef',
  fetch: (request: Request) => fetch(request),
  timeoutMs: 5000,
});
const sent: OtpResult<OtpPending> = await otp.requestCode('+14155552671', { endUserIp: '198.51.100.7' });
if (sent.ok) {
  const seconds: number = sent.data.resendAfterSeconds;
  const id: string = sent.data.verificationId;
  console.log(seconds, id);
} else {
  const code: ErrorCode = sent.error.code;
  const scope: RateLimitScope | undefined = sent.error.scope;
  if (code === 'resend_too_soon') console.log(sent.error.retryAfterSeconds, scope);
}
const checked = await otp.verifyCode('vid-0123456789abcdefghijk', '123456');
const state = await otp.getVerification('vid-0123456789abcdefghijk');
if (state.ok) console.log(state.data.status, state.data.delivery?.status);
const canceled = await otp.cancelVerification('vid-0123456789abcdefghijk');
if (canceled.ok) console.log(canceled.data.status);
if (checked.ok) {
  const approved: OtpApproved = checked.data;
  console.log(approved.receipt.split('.'));
} else {
  const error: OtpApiError = checked.error;
  console.log(error.attemptsRemaining, error.issues?.[0]?.field);
}
try {
  await otp.requestCode('+14155552671');
} catch (error) {
  if (error instanceof OtpClientError) {
    const code: OtpClientErrorCode = error.code;
    const status: number | undefined = error.status;
    if (code === 'network_error' || code === 'timeout') console.log('try again later', status);
  }
}
`;

// Two mistakes a consumer could make; each must be a type error on its own line.
const wrongUse = `
import { createOtpClient } from '@otp-edge/client';

const otp = createOtpClient({ baseUrl: 'https://otp.example.com' });
const sent = await otp.requestCode('+14155552671');
if (!sent.ok && sent.error.code === 'resend_to_soon') console.log('a misspelt error code');
if (sent.ok) console.log(sent.data.receipt);
`;

const compilerOptions = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  lib: ['es2022', 'dom'],
  types: [],
  strict: true,
  // The package's own declarations are what is under test: they must check, not be skipped.
  skipLibCheck: false,
  noEmit: true,
};

describe('@otp-edge/client, packed and installed', () => {
  let work: string;
  let consumer: string;
  let packedFiles: string[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'otp-edge-client-'));
    consumer = join(work, 'consumer');
    const { stdout } = await runIn('npm', ['pack', '--json', '--pack-destination', work], packageDir);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
    packedFiles = packed.files.map((file) => file.path).sort();

    await mkdir(consumer);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await runIn(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)],
      consumer,
    );
    await writeFile(join(consumer, 'consumer.mjs'), consumerScript);
    await writeFile(join(consumer, 'consumer.ts'), consumerTypes);
    await writeFile(join(consumer, 'wrong-use.ts'), wrongUse);
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['consumer.ts'] }),
    );
    await writeFile(
      join(consumer, 'tsconfig.wrong-use.json'),
      JSON.stringify({ compilerOptions, files: ['wrong-use.ts'] }),
    );
  }, 60_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships only built JavaScript and declarations, with no dependencies', async () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    for (const path of packedFiles) {
      expect(path).toMatch(/^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md)$/);
    }
    const installed = JSON.parse(
      await readFile(join(consumer, 'node_modules/@otp-edge/client/package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(installed.dependencies).toBeUndefined();
    expect(installed.peerDependencies).toBeUndefined();
    const specifiers: string[] = [];
    for (const path of packedFiles.filter((file) => file.endsWith('.d.ts'))) {
      const declarations = await readFile(join(consumer, 'node_modules/@otp-edge/client', path), 'utf8');
      for (const [, specifier] of declarations.matchAll(/^(?:import|export)\b.*\bfrom '([^']+)'/gm)) {
        if (specifier) specifiers.push(specifier);
      }
    }
    // Only relative imports of its own files: no zod, no path back into the Worker's source.
    expect(specifiers).toContain('./wire-types.ts');
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[\w-]+\.ts$/);
  });

  it('imports in a plain Node ESM script and turns API answers into typed values', async () => {
    const seen: SeenRequest[] = [];
    const server = startStandInApi(seen);
    await once(server, 'listening');
    // A port that was just free: nothing listens there, so a connection is refused.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { stdout } = await runIn(
        'node',
        ['consumer.mjs', `http://127.0.0.1:${port}`, `http://127.0.0.1:${closedPort}`],
        consumer,
      );
      expect(JSON.parse(stdout)).toEqual({
        sent: {
          ok: false,
          status: 429,
          error: {
            code: 'resend_too_soon',
            message: 'A code was sent recently. Wait before requesting another.',
            retryAfterSeconds: 42,
          },
        },
        checked: {
          ok: true,
          data: { status: 'approved', receipt: 'header.payload.signature', expiresInSeconds: 600 },
        },
        thrown: { isOtpClientError: true, name: 'OtpClientError', code: 'invalid_response', status: 502 },
        // fetch's own `TypeError: fetch failed` never reaches the caller: the documented error does.
        unreachable: { isOtpClientError: true, name: 'OtpClientError', code: 'network_error', status: null },
        stalled: { isOtpClientError: true, name: 'OtpClientError', code: 'timeout', status: null },
      });
      expect(seen[0]).toMatchObject({
        method: 'POST',
        url: '/otp/request',
        headers: {
          authorization: 'Bearer consumer-key-0123456789abcdef',
          'x-end-user-ip': '198.51.100.7',
          'content-type': 'application/json',
        },
        body: { phone: '+14155552671' },
      });
      expect(seen[1]).toMatchObject({
        url: '/otp/verify',
        body: { verificationId: 'vid-0123456789abcdefghijk', code: '123456' },
      });
      expect(seen[2]).toMatchObject({ url: '/behind-a-proxy/otp/request' });
      expect(seen[2]?.headers.authorization).toBeUndefined();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('type-checks in TypeScript with nodenext resolution and no bundler, from the declarations alone', async () => {
    const { exitCode, report } = await typeCheck(consumer, 'tsconfig.json');
    expect(report).toBe('');
    expect(exitCode).toBe(0);
  });

  it('makes TypeScript refuse a misspelt error code and a field of the wrong result', async () => {
    const { exitCode, report } = await typeCheck(consumer, 'tsconfig.wrong-use.json');
    expect(exitCode).not.toBe(0);
    const errors = report.split('\n').filter((line) => line.includes('error TS'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^wrong-use\.ts\(6,\d+\): error TS2367:/);
    expect(errors[1]).toMatch(/^wrong-use\.ts\(7,\d+\): error TS2339: Property 'receipt'/);
  });
});
