import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  documentedFiles,
  expandWord,
  type FencedBlock,
  fencedBlocks,
  type Marker,
  PLACEHOLDER,
  parseCurl,
  parseCurlBlock,
  shapeMismatches,
} from '../support/doc-examples.ts';
import { type DevStack, startDevStack } from './support/dev-stack.ts';
import { codeInInbox } from './support/inbox-code.ts';

/**
 * Every runnable example in README.md, docs/*.md and packages/client/README.md, run against the
 * Worker as `npm run dev` runs it (wrangler.toml's [env.dev], the Plivo sandbox, the REST server in
 * front of a throwaway redis-server), on free ports. How a block is marked and run:
 * docs/testing.md, "Examples are tests"; test/local/doc-examples.test.ts checks that no block is
 * left unmarked. Each block starts from an empty store and an empty inbox, as on a fresh
 * `npm run dev`.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
/** Besides [env.dev]: a test number, for the receipt check's "refuses a test number" case. */
const TEST_NUMBER = '+15005550006:000000';

const runnable = documentedFiles()
  .flatMap((file) => fencedBlocks(file))
  .filter((block): block is FencedBlock & { marker: Exclude<Marker, { kind: 'not-run' }> } =>
    Boolean(block.marker && block.marker.kind !== 'not-run'),
  );

let stack: DevStack;
/** A reader's project: `@otp-edge/client` built from packages/client, `jose` and Node's types. */
let project: string;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'otp-edge-doc-examples-'));
  [stack] = await Promise.all([
    startDevStack({ TEST_NUMBERS: TEST_NUMBER }, {}, { asNpmRunDev: true }),
    prepareReaderProject(project),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

beforeEach(async () => {
  if (!stack) return;
  // A fresh `npm run dev`: no codes, counters or limits in the store, nothing in the inbox, no
  // fault armed (an example that arms one and then fails must not break the next).
  const rest = { authorization: `Bearer ${stack.redisRestToken}` };
  await expectOk(
    fetch(stack.redisRestUrl, {
      method: 'POST',
      headers: { ...rest, 'content-type': 'application/json' },
      body: '["FLUSHDB"]',
    }),
  );
  await expectOk(fetch(`${stack.redisRestUrl}/__faults`, { method: 'DELETE', headers: rest }));
  for (const what of ['messages', 'calls', 'requests', 'faults'])
    await expectOk(fetch(`${stack.sandboxUrl}/__sandbox/${what}`, { method: 'DELETE' }));
});

describe.each(documentedFiles().filter((file) => runnable.some((block) => block.file === file)))(
  '%s',
  (file) => {
    for (const block of runnable.filter((candidate) => candidate.file === file)) {
      it(`example at line ${block.line} (${block.marker.kind})`, async () => {
        if (block.marker.kind === 'curl') await runCurlBlock(block);
        else if (block.marker.kind === 'command') await runCommandBlock(block);
        else await runNodeBlock(block, block.marker);
      });
    }
  },
);

describe('TypeScript examples', () => {
  it('type-check as a reader’s project would (strict, nodenext), against the built client and jose', async () => {
    const examples = runnable.filter((block) => block.marker.kind === 'node' && block.info.startsWith('ts'));
    expect(examples.length).toBeGreaterThan(0);
    const files = examples.map((block) => {
      const name = `typecheck-${exampleName(block)}.ts`;
      writeFileSync(path.join(project, name), block.text);
      return name;
    });
    // What example-givens.ts provides, as a reader's app would declare it.
    writeFileSync(
      path.join(project, 'givens.d.ts'),
      [
        'declare const endUserIp: string;',
        'declare function askUserForCode(): Promise<string>;',
        'declare const yourBackend: { accept(receipt: string): Promise<void> };',
      ].join('\n'),
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['givens.d.ts', ...files],
      }),
    );
    const result = await run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', project], {
      cwd: project,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      failed: true,
    }));
    expect('failed' in result ? result.stdout : '').toBe('');
  });
});

// ---------------------------------------------------------------------------------------------

/** npm run dev's fixed ports, as the docs write them, and where this run's stack really is. */
function devAddresses(): Map<string, string> {
  const map = new Map<string, string>();
  for (const host of ['127.0.0.1', 'localhost']) {
    map.set(`${host}:8787`, stack.workerUrl);
    map.set(`${host}:8790`, stack.sandboxUrl);
    map.set(`${host}:8079`, stack.redisRestUrl);
  }
  return map;
}

function onThisStack(url: string): string {
  const parsed = new URL(url);
  const actual = devAddresses().get(parsed.host);
  if (!actual)
    throw new Error(`${url}: examples address npm run dev's ports (8787, 8790, 8079), not ${parsed.host}`);
  // Only the origin changes: `http://127.0.0.1:8787` stays without a trailing slash.
  return url.replace(/^[a-z]+:\/\/[^/?#]+/i, actual);
}

async function runCurlBlock(block: FencedBlock): Promise<void> {
  const steps = parseCurlBlock(block.text);
  const variables: Record<string, string> = { LOCAL_REDIS_REST_TOKEN: stack.redisRestToken };
  const answers: Record<string, unknown>[] = [];
  let phone: string | undefined;

  for (const step of steps) {
    const where = `${block.file}:${block.line + step.line}: ${step.source}`;
    const fill = async (text: string): Promise<string> => {
      let filled = text;
      for (const [placeholder, name = ''] of text.matchAll(PLACEHOLDER)) {
        let value: unknown;
        if (name === 'code') value = await codeInInbox(stack.sandboxUrl, phone);
        else value = answers.findLast((answer) => answer[name] !== undefined)?.[name];
        if (typeof value !== 'string' && typeof value !== 'number')
          throw new Error(`${where}\n  ${placeholder}: no earlier answer in this block has "${name}"`);
        filled = filled.replace(placeholder, String(value));
      }
      return filled;
    };
    const words = [];
    for (const word of step.words) {
      words.push(
        await fill(
          expandWord(word, (name) => {
            const value = variables[name];
            if (value === undefined)
              throw new Error(`${where}\n  $${name} is not one the example runner sets`);
            return value;
          }),
        ),
      );
    }
    const request = parseCurl(words);
    const sentPhone = request.body?.startsWith('{')
      ? (JSON.parse(request.body) as { phone?: unknown }).phone
      : undefined;
    if (typeof sentPhone === 'string') phone = sentPhone;

    const response = await fetch(onThisStack(request.url), {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const problems: string[] = [];
    const status = step.expect?.status;
    if (status === undefined ? response.status < 200 || response.status > 299 : response.status !== status)
      problems.push(`status ${response.status}, expected ${status ?? 'a 2xx'}`);
    if (step.expect?.json !== undefined) problems.push(...shapeMismatches(json, step.expect.json));
    if (problems.length > 0)
      throw new Error(
        `${where}\n  answered ${response.status} ${text.slice(0, 500)}\n  ${problems.join('\n  ')}`,
      );
    if (json && typeof json === 'object' && !Array.isArray(json))
      answers.push(json as Record<string, unknown>);
  }
}

/** Children get a plain environment, as a reader's shell has: none of npm's variables from `npm test`. */
function readerEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => {
      const [name, value] = entry;
      return value !== undefined && !/^(npm_|VITEST|NODE_OPTIONS$)/i.test(name);
    }),
  );
}

async function runCommandBlock(block: FencedBlock): Promise<void> {
  const lines = block.text.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    await run('sh', ['-c', line], { cwd: REPO_ROOT, env: readerEnv(), timeout: 60_000 }).catch(
      (error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(
          `${block.file}:${block.line}: \`${line}\` exited ${error.code}\n${error.stdout}${error.stderr}`,
        );
      },
    );
  }
}

async function runNodeBlock(block: FencedBlock, marker: Extract<Marker, { kind: 'node' }>): Promise<void> {
  const file = path.join(project, `${exampleName(block)}.${block.info.startsWith('js') ? 'mjs' : 'ts'}`);
  writeFileSync(file, block.text);
  const env: Record<string, string> = {
    ...readerEnv(),
    // The example's own environment, as its marker (and the text above it) states it.
    ...Object.fromEntries(
      Object.entries(marker.env).map(([name, value]) => [
        name,
        /^https?:\/\//.test(value) ? onThisStack(value) : value,
      ]),
    ),
    EXAMPLE_SANDBOX_URL: stack.sandboxUrl,
    EXAMPLE_TEST_NUMBER: TEST_NUMBER,
    EXAMPLE_GIVENS: marker.given.join(','),
  };
  const preload =
    marker.given.length > 0 ? ['--import', path.join(import.meta.dirname, 'support/example-givens.ts')] : [];
  const program = marker.check
    ? [path.join(import.meta.dirname, 'support/example-checks', `${marker.check}.ts`), file]
    : [file];
  await run(process.execPath, [...preload, ...program], { cwd: project, env, timeout: 60_000 }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(
        `${block.file}:${block.line}: the example exited ${error.code}\n${error.stdout}${error.stderr}`,
      );
    },
  );
}

function exampleName(block: FencedBlock): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}`;
}

async function expectOk(response: Promise<Response>): Promise<void> {
  const answered = await response;
  await answered.body?.cancel();
  if (!answered.ok) throw new Error(`${answered.url}: ${answered.status}`);
}

/** The client as `npm pack` would build it (its own tsconfig), in the reader's node_modules. */
async function prepareReaderProject(directory: string): Promise<void> {
  const modules = path.join(directory, 'node_modules');
  const client = path.join(modules, '@otp-edge/client');
  mkdirSync(client, { recursive: true });
  mkdirSync(path.join(modules, '@types'), { recursive: true });
  writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  cpSync(path.join(REPO_ROOT, 'packages/client/package.json'), path.join(client, 'package.json'));
  await run(
    path.join(REPO_ROOT, 'node_modules/.bin/tsc'),
    ['-p', path.join(REPO_ROOT, 'packages/client/tsconfig.json'), '--outDir', path.join(client, 'dist')],
    { cwd: REPO_ROOT },
  );
  for (const name of ['jose', '@types/node', 'undici-types'])
    symlinkSync(path.join(REPO_ROOT, 'node_modules', name), path.join(modules, name), 'dir');
}
