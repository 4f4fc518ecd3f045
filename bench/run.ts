/**
 * `npm run bench`: first the lean harness (bench/lean/): the production bundle in workerd with no
 * dev proxy, the Worker's CPU per endpoint above a hello-world Worker and the latency at
 * concurrency 1 split by the answers' Server-Timing spans. Then complete OTP flows (request → read the SMS → verify) against the Worker under
 * `wrangler dev`, at a few concurrency levels, on the real local stack with artificial store and SMS
 * latencies. Reports throughput, latency percentiles, errors, store round trips and Redis commands
 * per flow (from the REST server's counters) and the bundle size. Writes them to
 * bench/results.local.md (untracked), or with --write to the tracked bench/results.md (the figures
 * the README quotes: for a run worth keeping), or nowhere with --no-write.
 *
 * Then the Worker's CPU time per request by endpoint, against a hello-world Worker under the same
 * `wrangler dev` (bench/endpoint-cpu.ts).
 *
 *   npm run bench -- [--store-latency-ms 20] [--sms-latency-ms 60] [--levels 1,8,32] [--flows 200]
 *     [--cpu-calls 200] [--write | --no-write]
 *     [--harness lean,wrangler-dev] [--lean-flows 300] [--lean-calls 200] [--lean-rounds 5]
 *     [--source <commit>] [--baseline <commit>] [--section <title>]
 *
 * `--source` builds the lean harness's Worker from another commit (a throwaway git worktree): the
 * "before" of a change, measured by today's harness. `--baseline <commit>` runs that commit's build
 * beside the working tree's in the same workerd, in the same CPU rounds and interleaved flows: a
 * paired before/after that the machine's background load hits alike. `--section` names the lean figures' own
 * section of the results file (default "Lean harness").
 *
 * Not part of `npm test`: the figures depend on the machine, so nothing here asserts.
 */
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { measureBundle } from './bundle-size.ts';
import { type EndpointCpu, IDLE_SAMPLE_MS, measureHelloWorldCpu, measureOtpEdgeCpu } from './endpoint-cpu.ts';
import { clientIpFor, type FlowResult, numberSource, percentile, pool, runFlow } from './flows.ts';
import { buildWorkerBundle } from './lean/build-bundle.ts';
import { checkoutCommit } from './lean/checkout.ts';
import { runLeanBench } from './lean/lean-bench.ts';
import { leanConsoleLines, renderLean } from './lean/lean-report.ts';
import { machineLines, markdownTable, ms, repoPath, resultsDestination, writeSection } from './report.ts';
import { startBenchStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    'store-latency-ms': { type: 'string', default: '20' },
    'sms-latency-ms': { type: 'string', default: '60' },
    levels: { type: 'string', default: '1,8,32' },
    flows: { type: 'string', default: '200' },
    'cpu-calls': { type: 'string', default: '200' },
    harness: { type: 'string', default: 'lean,wrangler-dev' },
    'lean-flows': { type: 'string', default: '300' },
    'lean-calls': { type: 'string', default: '200' },
    'lean-rounds': { type: 'string', default: '5' },
    source: { type: 'string' },
    baseline: { type: 'string' },
    section: { type: 'string', default: 'Lean harness' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

function integer(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${text}`);
  return value;
}

const storeLatencyMs = integer(values['store-latency-ms'], '--store-latency-ms');
const smsLatencyMs = integer(values['sms-latency-ms'], '--sms-latency-ms');
const levels = values.levels.split(',').map((level) => integer(level.trim(), '--levels'));
const flowsPerLevel = integer(values.flows, '--flows');
const cpuCalls = integer(values['cpu-calls'], '--cpu-calls');
const harnesses = new Set(values.harness.split(',').map((name) => name.trim()));
const LEAN_CPU_CONCURRENCY = 8;
const WARM_UP_FLOWS = 10;
/** Calls in flight while the CPU per request is measured: enough to keep workerd busy on 2 cores. */
const CPU_CONCURRENCY = 8;

interface LevelResult {
  concurrency: number;
  flows: number;
  seconds: number;
  results: FlowResult[];
  roundTripsPerFlow: number;
  commandsPerFlow: number;
  /** CPU time per flow of wrangler and each process below it (workerd), by name. */
  workerCpu: { name: string; msPerFlow: number }[];
  /** CPU time per flow of this process: the client, the REST server and the sandbox. */
  benchCpuMsPerFlow: number;
  /** Measured one call at a time (concurrency 1 only): store round trips of each endpoint. */
  perEndpoint: { request: number[]; verify: number[] } | undefined;
}

/** The lean harness's part; its figures go to their own section of the results file. */
async function leanPart() {
  console.log('bench: lean harness: building the production bundle and the hello-world Worker…');
  const checkout = values.source === undefined ? undefined : checkoutCommit(values.source);
  const baselineCheckout = values.baseline === undefined ? undefined : checkoutCommit(values.baseline);
  try {
    const [otpEdge, hello, baseline] = await Promise.all([
      buildWorkerBundle(checkout ? { root: checkout.root } : {}),
      buildWorkerBundle({ config: 'bench/hello-worker/wrangler.toml', minify: true }),
      baselineCheckout && buildWorkerBundle({ root: baselineCheckout.root }),
    ]);
    const settings = {
      storeLatencyMs,
      smsLatencyMs,
      flows: integer(values['lean-flows'], '--lean-flows'),
      cpuCalls: integer(values['lean-calls'], '--lean-calls'),
      cpuRounds: integer(values['lean-rounds'], '--lean-rounds'),
      cpuConcurrency: LEAN_CPU_CONCURRENCY,
    };
    console.log(
      `bench: lean harness: ${settings.flows} flows at concurrency 1, then ${settings.cpuRounds} rounds of ${settings.cpuCalls} calls per endpoint…`,
    );
    const result = await runLeanBench({
      otpEdge,
      hello,
      baseline: baseline &&
        baselineCheckout && { built: baseline, label: `before: ${baselineCheckout.commit}` },
      nextNumber: numberSource(500_000),
      ...settings,
    });
    for (const line of leanConsoleLines(result)) console.log(`bench: ${line}`);
    const markdown = renderLean(result, {
      ...settings,
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: machineLines(
        '(a throwaway redis-server)',
        'the Worker in workerd through Miniflare (lean harness)',
      ),
      source: checkout ? `commit \`${checkout.commit}\`` : 'the working tree',
      bundleGzipKiB: gzipKiBOf(otpEdge.source()),
    });
    console.log(`\n${markdown}`);
    const file = resultsDestination(values);
    if (file) {
      writeSection(values.section, markdown, { file });
      console.log(`bench: wrote ${repoPath(file)} (${values.section})`);
    }
  } finally {
    checkout?.remove();
    baselineCheckout?.remove();
  }
}

function gzipKiBOf(source: string): number {
  return gzipSync(source).length / 1024;
}

async function main() {
  if (harnesses.has('lean')) await leanPart();
  if (harnesses.has('wrangler-dev')) await wranglerDevPart();
}

async function wranglerDevPart() {
  const startedAt = new Date();
  console.log(
    `bench: starting the stack (store +${storeLatencyMs} ms, SMS +${smsLatencyMs} ms) and wrangler dev…`,
  );
  const stack = await startBenchStack({ storeLatencyMs, smsLatencyMs });
  const levelResults: LevelResult[] = [];
  let endpointCpu: EndpointCpu[] = [];
  let redisVersion = 'unknown';
  try {
    redisVersion =
      /redis_version:(\S+)/.exec(String(await stack.redis(['INFO', 'server'])))?.[1] ?? redisVersion;
    const nextNumber = numberSource(0);
    let ipIndex = 1;
    // Loads the Lua scripts (the first EVALSHA of each is a NOSCRIPT + EVAL) and warms workerd.
    await pool(WARM_UP_FLOWS, 2, () => runFlow(stack, nextNumber(), clientIpFor(ipIndex++)));

    for (const concurrency of levels) {
      const before = await stack.restStats();
      const workerCpuBefore = stack.workerCpuMs();
      const benchCpuBefore = process.cpuUsage();
      const perEndpoint = concurrency === 1 ? { request: [] as number[], verify: [] as number[] } : undefined;
      const started = performance.now();
      const results = await pool(flowsPerLevel, concurrency, async () => {
        const phone = nextNumber();
        const ip = clientIpFor(ipIndex++);
        if (!perEndpoint) return runFlow(stack, phone, ip);
        let mark = (await stack.restStats()).requests;
        const sinceMark = async () => {
          const now = (await stack.restStats()).requests;
          const delta = now - mark;
          mark = now;
          return delta;
        };
        return runFlow(stack, phone, ip, {
          between: {
            afterRequest: async () => {
              perEndpoint.request.push(await sinceMark());
            },
            afterVerify: async () => {
              perEndpoint.verify.push(await sinceMark());
            },
          },
        });
      });
      const seconds = (performance.now() - started) / 1000;
      const after = await stack.restStats();
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const level: LevelResult = {
        concurrency,
        flows: flowsPerLevel,
        seconds,
        results,
        roundTripsPerFlow: (after.requests - before.requests) / flowsPerLevel,
        commandsPerFlow: (after.commands - before.commands) / flowsPerLevel,
        workerCpu: stack
          .workerCpuMs()
          .map((now) => ({
            name: now.name,
            msPerFlow:
              (now.cpuMs - (workerCpuBefore.find((then) => then.pid === now.pid)?.cpuMs ?? 0)) /
              flowsPerLevel,
          }))
          .filter((process) => process.msPerFlow >= 0.05),
        benchCpuMsPerFlow: (benchCpu.user + benchCpu.system) / 1000 / flowsPerLevel,
        perEndpoint,
      };
      levelResults.push(level);
      console.log(summaryLine(level));
    }
    if (cpuCalls > 0) {
      console.log(
        `bench: CPU per request: ${cpuCalls} calls per endpoint at concurrency ${CPU_CONCURRENCY}…`,
      );
      endpointCpu = await measureOtpEdgeCpu(stack, nextNumber, ipIndex, {
        calls: cpuCalls,
        concurrency: CPU_CONCURRENCY,
      });
      ipIndex += cpuCalls;
    }
  } finally {
    await stack.stop();
  }
  if (cpuCalls > 0) {
    console.log('bench: the same against a hello-world Worker under wrangler dev…');
    endpointCpu.push(await measureHelloWorldCpu({ calls: cpuCalls, concurrency: CPU_CONCURRENCY }));
  }
  for (const row of endpointCpu) console.log(`bench: ${cpuLine(row)}`);

  console.log('bench: measuring the bundle (wrangler deploy --dry-run, as npm run build:check)…');
  const bundle = await measureBundle();
  const markdown = renderResults(levelResults, endpointCpu, bundle, startedAt, redisVersion);
  console.log(`\n${markdown}`);
  const file = resultsDestination(values);
  if (file) {
    writeSection('Load benchmark', markdown, {
      keepOnly: ['Soak', 'SMS pumping', 'Lean harness', 'Event webhooks'],
      first: true,
      file,
    });
    console.log(`bench: wrote ${repoPath(file)}`);
  }
}

function errorsOf(results: FlowResult[]) {
  let count = 0;
  const kinds = new Map<string, number>();
  const note = (kind: string) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  for (const result of results) {
    let failed = false;
    if (result.requestStatus < 200 || result.requestStatus > 299) {
      failed = true;
      note(`request ${result.requestStatus || 'network'}`);
    }
    if (result.verifyStatus !== undefined && (result.verifyStatus < 200 || result.verifyStatus > 299)) {
      failed = true;
      note(`verify ${result.verifyStatus}`);
    }
    if (result.failure !== undefined) {
      failed = true;
      note(result.failure.slice(0, 60));
    }
    if (failed) count += 1;
  }
  return { count, detail: [...kinds].map(([kind, n]) => `${kind} ×${n}`).join(', ') };
}

/** `node 6.0 + workerd 5.9 + workerd 10.7` (wrangler's processes, in pid order). */
function cpuBreakdown(level: LevelResult): string {
  return level.workerCpu.map((process) => `${process.name} ${process.msPerFlow.toFixed(1)}`).join(' + ');
}

function latencies(results: FlowResult[]) {
  const request = results.filter((result) => result.requestStatus !== 0).map((result) => result.requestMs);
  const verify = results.flatMap((result) => (result.verifyMs === undefined ? [] : [result.verifyMs]));
  return { request, verify };
}

function summaryLine(level: LevelResult): string {
  const { request, verify } = latencies(level.results);
  const errors = errorsOf(level.results);
  return (
    `bench: c=${level.concurrency} ${(level.flows / level.seconds).toFixed(1)} flows/s, CPU/flow ${cpuBreakdown(level)} ms, bench ${level.benchCpuMsPerFlow.toFixed(1)} ms, request p50 ${ms(percentile(request, 50))} p99 ${ms(percentile(request, 99))} ms, ` +
    `verify p50 ${ms(percentile(verify, 50))} p99 ${ms(percentile(verify, 99))} ms, errors ${errors.count}${errors.detail ? ` (${errors.detail})` : ''}`
  );
}

function cpuLine(row: EndpointCpu): string {
  return `${row.endpoint}: workerd ${row.workerdMsPerCall.toFixed(2)} ms CPU per call, wrangler ${row.wranglerMsPerCall.toFixed(2)} ms, store round trips ${row.roundTripsPerCall?.toFixed(2) ?? '-'}, unexpected answers ${row.unexpected}`;
}

function renderEndpointCpu(rows: EndpointCpu[]): string[] {
  if (rows.length === 0) return [];
  const hello = rows.find((row) => row.roundTripsPerCall === undefined);
  return [
    '',
    '### Worker CPU per request',
    '',
    `${cpuCalls} calls per endpoint at concurrency ${CPU_CONCURRENCY}, one endpoint at a time, on the same stack after the levels above; then the same harness (\`wrangler dev\` started by local/worker-process.ts) against a hello-world Worker (bench/hello-worker/) that answers \`{"status":"ok"}\`. CPU: user + system time from /proc of the workerd processes below wrangler (its proxy and the Worker's runtime), and of wrangler's own node process, over the batch, minus what the same processes use idle over as long (sampled for ${IDLE_SAMPLE_MS / 1000} s before), per call. The hello-world figure is the dev server's own cost per request; **Worker CPU** is the difference: otp-edge's own code as \`wrangler dev\` runs it (\`[env.dev]\`, not minified), including the runtime's share of its subrequests to the store and Plivo (the runtime's work, not the Worker's code). /proc counts in 10 ms ticks, so with two workerd processes a per-call figure is good to about ±${(40 / cpuCalls).toFixed(2)} ms.`,
    '',
    markdownTable(
      [
        'endpoint',
        'calls',
        'store round trips / call',
        'workerd CPU ms / call',
        'Worker CPU ms / call (minus hello-world)',
        'wrangler node CPU ms / call',
        'unexpected answers',
      ],
      rows.map((row) => [
        row.endpoint,
        row.calls,
        row.roundTripsPerCall === undefined ? '-' : row.roundTripsPerCall.toFixed(2),
        row.workerdMsPerCall.toFixed(2),
        row === hello || hello === undefined
          ? '-'
          : (row.workerdMsPerCall - hello.workerdMsPerCall).toFixed(2),
        row.wranglerMsPerCall.toFixed(2),
        row.unexpected,
      ]),
    ),
  ];
}

function renderResults(
  levelResults: LevelResult[],
  endpointCpu: EndpointCpu[],
  bundle: Awaited<ReturnType<typeof measureBundle>>,
  startedAt: Date,
  redisVersion: string,
): string {
  const rows = levelResults.map((level) => {
    const { request, verify } = latencies(level.results);
    const errors = errorsOf(level.results);
    return [
      level.concurrency,
      level.flows,
      (level.flows / level.seconds).toFixed(1),
      ms(percentile(request, 50)),
      ms(percentile(request, 99)),
      ms(percentile(verify, 50)),
      ms(percentile(verify, 99)),
      errors.count === 0 ? '0' : `${errors.count} (${errors.detail})`,
      level.roundTripsPerFlow.toFixed(2),
      level.commandsPerFlow.toFixed(2),
      cpuBreakdown(level),
      level.benchCpuMsPerFlow.toFixed(1),
    ];
  });
  const single = levelResults.find((level) => level.perEndpoint !== undefined)?.perEndpoint;
  const spread = (values: number[]) =>
    values.length === 0
      ? 'not measured'
      : `${Math.min(...values)}–${Math.max(...values)} (mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)})`;
  const gzipKiB = bundle.gzipBytes / 1024;
  const verifyTrips = single?.verify ?? [];
  const requestTrips = single?.request ?? [];
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const lastClean = levelResults
    .filter((level) => errorsOf(level.results).count === 0)
    .map((level) => level.concurrency);

  return [
    `Run ${startedAt.toISOString()} with \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
    '',
    ...machineLines(redisVersion),
    `- Settings: store latency +${storeLatencyMs} ms per REST request, SMS latency +${smsLatencyMs} ms per Plivo request; concurrency levels ${levels.join(', ')}; ${flowsPerLevel} flows per level after ${WARM_UP_FLOWS} warm-up flows; limits far above the load (bench/stack.ts \`BENCH_VARS\`), cooldown 0, \`ALLOWED_COUNTRIES=*\`; a distinct number and \`CF-Connecting-IP\` per flow`,
    '- A flow: `POST /otp/request` → read the code from the sandbox inbox → `POST /otp/verify`. Latencies are client-side (Node fetch → wrangler dev), in ms. Errors: flows with a non-2xx answer or no SMS.',
    '',
    markdownTable(
      [
        'concurrency',
        'flows',
        'flows/s',
        'request p50',
        'request p99',
        'verify p50',
        'verify p99',
        'errors',
        'store round trips / flow',
        'Redis commands / flow',
        'CPU ms / flow: wrangler dev processes',
        'CPU ms / flow: bench process',
      ],
      rows,
    ),
    '',
    "Round trips are HTTP requests the REST server received (`/__stats` `requests`); commands are the Redis commands in them (`commands`: an `EVALSHA` counts once, whatever the script does inside). CPU: user + system time from /proc of wrangler's node process and each process below it (the two workerd processes of `wrangler dev`: its proxy and the Worker itself), and `process.cpuUsage()` of the bench process, which runs the load generator, the REST server and the Plivo sandbox. Throughput stops growing when all of them together use up the cores; in production only the Worker's own workerd share would be spent per request. At low concurrency a level lasts longer, so the processes' idle background work weighs more per flow.",
    '',
    '### Budgets',
    '',
    markdownTable(
      ['budget', 'measured', 'verdict'],
      [
        [
          'verify = 1 store round trip',
          `${spread(verifyTrips)} per verify (concurrency 1, one call at a time)`,
          verdict(verifyTrips.length > 0 && verifyTrips.every((trips) => trips === 1)),
        ],
        [
          'request = 1 store round trip before the SMS',
          `${spread(requestTrips)} per request, all of them before the SMS (the revoke after a refused SMS never ran)`,
          verdict(requestTrips.length > 0 && requestTrips.every((trips) => trips === 1)),
        ],
        [
          'zero errors below saturation',
          lastClean.length === levelResults.length
            ? 'no errors at any level'
            : `error-free at concurrency ${lastClean.join(', ') || 'none'}`,
          verdict(lastClean.length === levelResults.length),
        ],
        [
          `bundle ≤ ${bundle.budgetKiB} KiB gzip`,
          `${gzipKiB.toFixed(1)} KiB gzip (${(bundle.minifiedBytes / 1024).toFixed(1)} KiB minified), measured as \`npm run build:check\` does; wrangler: ${bundle.wranglerSays ?? 'n/a'}`,
          verdict(gzipKiB <= bundle.budgetKiB),
        ],
      ],
    ),
    ...renderEndpointCpu(endpointCpu),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
