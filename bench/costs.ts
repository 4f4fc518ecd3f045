/**
 * `npm run bench:costs`: the runtime's price list. What workerd spends on each piece a verify is
 * made of, measured alone in the lean harness (bench/lean/), so a verify's CPU above hello-world
 * can be split into what any Worker doing the same I/O pays and what otp-edge's own code adds.
 *
 *   npm run bench:costs -- [--calls 300] [--loop 2000] [--rounds 5] [--store-latency-ms 20]
 *     [--write | --no-write]
 *
 * Pieces over HTTP (bench/cost-worker/): a batch of `--calls` requests at concurrency 8, workerd's
 * CPU (every thread, /proc schedstat) less its idle rate, per call, minus the same round's
 * hello-world answer. Pieces in the isolate: one request running the operation `--loop` times, its
 * CPU over the count. Rounds alternate every piece; the median and the range over rounds are
 * reported. Figures only: nothing asserts.
 */
import { parseArgs } from 'node:util';
import { pool } from './flows.ts';
import { buildWorkerBundle } from './lean/build-bundle.ts';
import { withLeanStack } from './lean/lean-bench.ts';
import { machineLines, markdownTable, repoPath, resultsDestination, writeSection } from './report.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '300' },
    loop: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    'store-latency-ms': { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const calls = positive(values.calls, '--calls');
const loopCount = positive(values.loop, '--loop');
const rounds = positive(values.rounds, '--rounds');
const storeLatencyMs = Number(values['store-latency-ms']);
const CONCURRENCY = 8;
const IDLE_SAMPLE_MS = 3_000;

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag}: a whole number above 0`);
  return value;
}

interface HttpPiece {
  name: string;
  path: string;
  post?: string;
}

const VERIFY_BODY = JSON.stringify({ verificationId: 'A'.repeat(90), code: '123456' });

const HTTP_PIECES: HttpPiece[] = [
  { name: 'read and parse a JSON body the size of a verify’s', path: '/body', post: VERIFY_BODY },
  { name: 'answer with otp-edge’s 15 headers', path: '/headers' },
  { name: 'write one JSON log line', path: '/log' },
  { name: 'one store subrequest (`PING`)', path: '/store?size=small' },
  {
    name: 'one store subrequest the size of a verify’s (700-byte command and reply)',
    path: '/store?size=verify',
  },
];

const LOOP_PIECES = [
  { name: 'Web Crypto HMAC-SHA256 sign (a verify makes 3)', op: 'hmac' },
  { name: 'Web Crypto AES-GCM decrypt (a verify makes 2)', op: 'aes-decrypt' },
  { name: 'Web Crypto ECDSA P-256 sign (a verify makes 1)', op: 'ecdsa-sign' },
  { name: 'Web Crypto AES-GCM decrypt that fails (a forged verification id)', op: 'aes-decrypt-forged' },
  {
    name: 'otp-edge’s app answering `GET /health` through `app.fetch` (the middleware chain, no socket)',
    op: 'app-health',
  },
  {
    name: 'otp-edge’s app answering a `POST /otp/verify` with a malformed code (the chain, the body, validation, a 400; no crypto, no store call)',
    op: 'app-verify-malformed-code',
  },
];

async function main() {
  console.log('bench:costs: building the production bundle and the price list’s Worker…');
  const [otpEdge, costs] = await Promise.all([
    buildWorkerBundle({ minify: true }),
    buildWorkerBundle({ config: 'bench/cost-worker/wrangler.toml', minify: true }),
  ]);
  const perRound = new Map<string, number[]>();
  const record = (name: string, value: number) => perRound.set(name, [...(perRound.get(name) ?? []), value]);
  let unexpected = 0;

  await withLeanStack(
    { otpEdge, hello: costs, storeLatencyMs, smsLatencyMs: 0, helloWithAppBindings: true },
    async ({ workers }) => {
      const base = workers.helloUrl;
      const call = async (piece: HttpPiece) => {
        const answer = await fetch(
          `${base}${piece.path}`,
          piece.post === undefined
            ? {}
            : { method: 'POST', headers: { 'content-type': 'application/json' }, body: piece.post },
        );
        await answer.arrayBuffer();
        if (answer.status !== 200) unexpected += 1;
      };
      const loop = async (op: string, count: number) => {
        const answer = await fetch(`${base}/loop?op=${op}&n=${count}`);
        await answer.arrayBuffer();
        if (answer.status !== 200) unexpected += 1;
      };
      // Warm up: the isolate, the sockets, the keys and every code path.
      for (const piece of [{ name: 'hello', path: '/' }, ...HTTP_PIECES]) {
        await pool(20, CONCURRENCY, () => call(piece));
      }
      for (const { op } of LOOP_PIECES) await loop(op, 50);

      const idleBefore = workers.cpuNs();
      const idleStarted = performance.now();
      await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
      const idleNsPerMs = (workers.cpuNs() - idleBefore) / (performance.now() - idleStarted);
      /** workerd's CPU (ms) over `work`, its idle rate subtracted. */
      const measure = async (work: () => Promise<unknown>) => {
        const before = workers.cpuNs();
        const started = performance.now();
        await work();
        return Math.max(0, workers.cpuNs() - before - idleNsPerMs * (performance.now() - started)) / 1e6;
      };

      for (let round = 0; round < rounds; round++) {
        const hello =
          (await measure(() => pool(calls, CONCURRENCY, () => call({ name: '', path: '/' })))) / calls;
        record('hello-world answer (`GET /`, the baseline the pieces above subtract)', hello);
        for (const piece of HTTP_PIECES) {
          const total = (await measure(() => pool(calls, CONCURRENCY, () => call(piece)))) / calls;
          record(piece.name, total - hello);
        }
        for (const { name, op } of LOOP_PIECES) {
          record(name, (await measure(() => loop(op, loopCount))) / loopCount);
        }
        console.log(`bench:costs: round ${round + 1}/${rounds} done`);
      }
    },
  );

  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  const us = (ms: number) => (ms * 1000).toFixed(0);
  const table = markdownTable(
    ['piece', 'measured', 'workerd CPU per piece, µs (median)', 'range over rounds, µs'],
    [...perRound].map(([name, list]) => [
      name,
      LOOP_PIECES.some((piece) => piece.name === name)
        ? `in the isolate, ${loopCount} per request`
        : name.startsWith('hello-world')
          ? `${calls} requests`
          : `${calls} requests, minus hello-world`,
      us(median(list)),
      `${us(Math.min(...list))} – ${us(Math.max(...list))}`,
    ]),
  );
  const body = [
    `Run with \`npm run bench:costs -- --calls ${calls} --loop ${loopCount} --rounds ${rounds} --store-latency-ms ${storeLatencyMs}\`.`,
    '',
    ...machineLines('(a throwaway redis-server)', 'the Worker in workerd through Miniflare (lean harness)'),
    `- The price list's Worker (bench/cost-worker/, built like production, minified) in the lean harness; the store's REST server answers after +${storeLatencyMs} ms, as in \`npm run bench\`. Over HTTP: ${calls} requests per piece at concurrency ${CONCURRENCY}, workerd's CPU (every thread, /proc schedstat) less its idle rate, per request, minus the same round's hello-world answer. In the isolate: one request running the operation ${loopCount} times, its CPU over the count. ${rounds} rounds, alternating every piece.${unexpected > 0 ? ` **${unexpected} unexpected answers.**` : ''}`,
    '',
    table,
  ].join('\n');
  const destination = resultsDestination(values);
  if (destination) {
    writeSection('Lean harness: the runtime’s price list (npm run bench:costs)', body, { file: destination });
    console.log(`bench:costs: written to ${repoPath(destination)}`);
  }
  console.log(body);
}

await main();
