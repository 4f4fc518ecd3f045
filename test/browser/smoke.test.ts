import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, startDevStack } from './support/dev-stack.ts';

const run = promisify(execFile);

/** `npm run smoke -- <url>` as an operator runs it: exit code and printed checklist. */
async function smoke(url: string): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/smoke.ts', url], { timeout: 60_000 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('npm run smoke against a production-like Worker (wrangler dev)', () => {
  let stack: DevStack;
  beforeAll(async () => {
    stack = await startDevStack({
      ENVIRONMENT: 'production',
      ALLOWED_COUNTRIES: 'US,CA',
      RECEIPT_AUDIENCE: 'https://api.browser.test',
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('passes every check, reports the pages as off, and sends no SMS', async () => {
    const { exitCode, output } = await smoke(stack.workerUrl);
    expect(output).toContain('✓ GET /health answers 200 with a version: version 0.1.0');
    expect(output).toMatch(
      /✓ GET \/\.well-known\/jwks\.json publishes public EC keys only: 1 EC key\(s\): \S+/,
    );
    expect(output).toMatch(/✓ GET \/openapi\.json is an OpenAPI 3\.1 document: OpenAPI 3\.1\.0, \d+ paths/);
    expect(output).toContain(
      '✓ POST /otp/request without credentials and with an impossible number is refused (4xx): HTTP 400 invalid_phone',
    );
    expect(output).toContain('demo page (/): off');
    expect(output).toContain('API reference (/docs): off');
    expect(output).toContain('All 4 checks passed.');
    expect(exitCode).toBe(0);

    const inbox = await fetch(`${stack.sandboxUrl}/__sandbox/messages`);
    expect(await inbox.json()).toEqual([]);
  });
});

describe('npm run smoke against a broken deployment', () => {
  let broken: Server;
  let url: string;
  beforeAll(async () => {
    // Everything an operator must hear about: misconfigured, a leaked private key, the wrong
    // OpenAPI version, and a 5xx where a refusal belongs.
    broken = createServer((request, response) => {
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/health') return json(503, { error: { code: 'misconfigured', message: '' } });
      if (request.url === '/.well-known/jwks.json') {
        return json(200, { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret', kid: 'k1' }] });
      }
      if (request.url === '/openapi.json') return json(200, { openapi: '3.0.3', paths: {} });
      return json(500, { error: { code: 'internal_error', message: '' } });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => broken?.close(resolve));
  });

  it('fails, and says which checks failed and why', async () => {
    const { exitCode, output } = await smoke(url);
    expect(exitCode).toBe(1);
    expect(output).toContain('✗ GET /health answers 200 with a version: HTTP 503 (misconfigured)');
    expect(output).toContain('PRIVATE KEY MATERIAL PUBLISHED in 1 key(s)');
    expect(output).toContain('✗ GET /openapi.json is an OpenAPI 3.1 document: openapi is 3.0.3');
    expect(output).toContain('HTTP 500 internal_error: a server error, not a refusal');
    expect(output).toContain('4 of 4 checks FAILED.');
  });

  it('fails when nothing answers at all', async () => {
    const { exitCode, output } = await smoke('http://127.0.0.1:9');
    expect(exitCode).toBe(1);
    expect(output).toContain('request failed');
  });

  it('explains its usage when given no URL', async () => {
    const { exitCode, output } = await smoke('');
    expect(exitCode).toBe(2);
    expect(output).toContain('usage: npm run smoke -- <base URL');
  });
});
