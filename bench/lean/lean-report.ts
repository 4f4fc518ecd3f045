/** The lean harness's figures as bench/results.md shows them (./lean-bench.ts measures them). */
import { type FlowResult, percentile } from '../flows.ts';
import { markdownTable, ms } from '../report.ts';
import type { LeanCpuRow, LeanResult } from './lean-bench.ts';

/** `store;dur=20, worker;dur=1` → { store: 20, worker: 1 }. */
export function parseServerTiming(header: string | undefined): Map<string, number> {
  const spans = new Map<string, number>();
  for (const entry of (header ?? '').split(',')) {
    const [name, ...params] = entry.trim().split(';');
    const duration = params.map((param) => /^\s*dur=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
    if (name && duration !== undefined) spans.set(name, Number(duration));
  }
  return spans;
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

const SPANS = ['total', 'store', 'provider', 'siteverify', 'worker'] as const;

interface SpanRow {
  endpoint: string;
  span: string;
  samples: number[];
}

/** Client time, each Server-Timing span, and the harness (client time minus the Worker's total). */
function spanRows(flows: FlowResult[]): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const endpoint of ['request', 'verify'] as const) {
    const answered = flows.filter((flow) =>
      endpoint === 'request' ? flow.requestStatus === 200 : flow.verifyStatus === 200,
    );
    const client = answered.map((flow) => (endpoint === 'request' ? flow.requestMs : (flow.verifyMs ?? 0)));
    const timings = answered.map((flow) =>
      parseServerTiming(endpoint === 'request' ? flow.requestTiming : flow.verifyTiming),
    );
    rows.push({ endpoint, span: 'client (Node fetch, end to end)', samples: client });
    for (const span of SPANS) {
      const samples = timings.flatMap((timing) => {
        const value = timing.get(span);
        return value === undefined ? [] : [value];
      });
      if (samples.length > 0) rows.push({ endpoint, span, samples });
    }
    const totals = timings.map((timing) => timing.get('total'));
    if (totals.every((total) => total !== undefined)) {
      rows.push({
        endpoint,
        span: 'harness (client minus total)',
        samples: client.map((value, index) => value - (totals[index] ?? 0)),
      });
    }
  }
  return rows;
}

export const HELLO = 'GET / (hello-world Worker)';
const IO_BASELINE: readonly [RegExp, string][] = [
  [/^POST \/otp\/verify/, 'GET /io?calls=1 (hello-world + 1 store subrequest)'],
  [/^POST \/otp\/request/, 'GET /io?calls=2 (hello-world + 2 subrequests)'],
];

/** Each round's figure minus the same round's baseline figure. */
function minus(row: LeanCpuRow, baseline: LeanCpuRow | undefined): number[] {
  return baseline ? row.perRound.map((value, index) => value - (baseline.perRound[index] ?? Number.NaN)) : [];
}

function cpuFigures(row: LeanCpuRow, rows: LeanCpuRow[]) {
  const hello = rows.find((other) => other.endpoint === HELLO);
  const ioName = IO_BASELINE.find(([pattern]) => pattern.test(row.endpoint))?.[1];
  const io = rows.find((other) => other.endpoint === ioName);
  return { median: median(row.perRound), above: minus(row, hello), aboveIo: minus(row, io) };
}

export function leanConsoleLines(result: LeanResult): string[] {
  const lines = result.cpu.map((row) => {
    const { median: perCall, above, aboveIo } = cpuFigures(row, result.cpu);
    return `lean: ${row.endpoint}: workerd ${perCall.toFixed(3)} ms CPU/call${row.endpoint === HELLO ? '' : `, above hello-world ${median(above).toFixed(3)} (rounds ${above.map((value) => value.toFixed(2)).join(' ')})`}${aboveIo.length > 0 ? `, above hello-world with the same subrequests ${median(aboveIo).toFixed(3)}` : ''}, unexpected ${row.unexpected}`;
  });
  const loop = result.eventLoopDelayMs;
  lines.push(
    `lean: bench process event-loop delay during the flows: p50 ${loop.p50.toFixed(1)} p99 ${loop.p99.toFixed(1)} max ${loop.max.toFixed(1)} ms`,
  );
  for (const row of spanRows(result.flows)) {
    lines.push(
      `lean: c=1 ${row.endpoint} ${row.span}: p50 ${ms(percentile(row.samples, 50))} p99 ${ms(percentile(row.samples, 99))} ms`,
    );
  }
  return lines;
}

export interface LeanReportSettings {
  command: string;
  machine: string[];
  storeLatencyMs: number;
  smsLatencyMs: number;
  flows: number;
  cpuCalls: number;
  cpuRounds: number;
  cpuConcurrency: number;
  /** What was built: the commit, or "working tree". */
  source: string;
  bundleGzipKiB: number | undefined;
}

export function renderLean(result: LeanResult, settings: LeanReportSettings): string {
  const spread = (values: number[]) =>
    values.length === 0 ? '-' : `${Math.min(...values).toFixed(2)} – ${Math.max(...values).toFixed(2)}`;
  const latency = (endpoint: 'request' | 'verify', flows = result.flows, label: string = endpoint) => {
    const samples = flows.flatMap((flow) =>
      endpoint === 'request'
        ? flow.requestStatus === 200
          ? [flow.requestMs]
          : []
        : flow.verifyStatus === 200 && flow.verifyMs !== undefined
          ? [flow.verifyMs]
          : [],
    );
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    return [label, samples.length, ms(p50), ms(p99), (p99 / p50).toFixed(2)];
  };
  return [
    `Run with \`${settings.command}\`, Worker built from ${settings.source}.`,
    '',
    ...settings.machine,
    `- Harness: the production bundle (\`wrangler deploy --dry-run --outdir\`, minified${settings.bundleGzipKiB === undefined ? '' : `, ${settings.bundleGzipKiB.toFixed(1)} KiB gzip`}) and the hello-world Worker (bench/hello-worker/, built the same way) in one workerd process started by Miniflare's API, each behind its own direct socket (\`unsafeDirectSockets\`): no \`wrangler dev\` proxy, no Miniflare entry worker. Settings: \`[env.dev.vars]\` + bench/stack.ts \`BENCH_VARS\`, as the \`wrangler dev\` part runs. Store +${settings.storeLatencyMs} ms per REST request, SMS +${settings.smsLatencyMs} ms per Plivo request.`,
    '',
    '#### Worker CPU per call, above hello-world',
    '',
    `Method: workerd's CPU time (user + system of every thread: the first field of /proc/<pid>/task/*/schedstat, in ns) over a batch of ${settings.cpuCalls} calls to one endpoint at concurrency ${settings.cpuConcurrency}, minus workerd's idle rate (${result.idleMsPerSecond.toFixed(3)} ms/s, sampled with no traffic) over the batch's duration, divided by the calls. ${settings.cpuRounds} rounds of hello-world, hello-world with 1 and 2 subrequests, health, request, verify in turn; "above hello-world" is each round's figure minus the same round's hello-world figure, median over the rounds, and the range shows the noise (other processes on the machine share the cores and the caches). That figure includes workerd's own cost of the Worker's subrequests (an HTTP client call and its answer, per store or provider round trip), the runtime's work rather than the Worker's code (Cloudflare's CPU time excludes time waiting on network requests; how much of the runtime's client work it counts is not documented); "with the same subrequests" subtracts instead the hello-world Worker making as many sequential subrequests to the REST server (\`GET /io?calls=N\`, bench/hello-worker/): what remains is otp-edge's own code.`,
    '',
    markdownTable(
      [
        'endpoint',
        'calls',
        'workerd CPU ms / call (median)',
        'above hello-world, median',
        'above hello-world, range over rounds',
        'above hello-world with the same subrequests, median (range)',
        'unexpected answers',
      ],
      result.cpu.map((row) => {
        const { median: perCall, above, aboveIo } = cpuFigures(row, result.cpu);
        return [
          row.endpoint,
          row.perRound.length * settings.cpuCalls,
          perCall.toFixed(3),
          row.endpoint === HELLO ? '-' : median(above).toFixed(2),
          row.endpoint === HELLO ? '-' : spread(above),
          aboveIo.length === 0 ? '-' : `${median(aboveIo).toFixed(2)} (${spread(aboveIo)})`,
          row.unexpected,
        ];
      }),
    ),
    '',
    '#### Latency at concurrency 1, and where it goes',
    '',
    `${settings.flows} flows, one at a time${result.baselineLabel === undefined ? '' : `, each followed by one on the ${result.baselineLabel} build (same workerd, same stack)`}; store round trips per flow ${result.roundTripsPerFlow.toFixed(2)} (REST server \`/__stats\`). Client time is Node's fetch end to end; the spans are the answer's \`Server-Timing\` (docs/observability.md): \`store\`, \`provider\` and \`siteverify\` are the time awaiting them, \`worker\` the rest of \`total\` (the Worker's own time, as its clock sees it), and the harness row is what neither the Worker nor its dependencies account for (the client, the sockets, workerd's scheduling).`,
    '',
    markdownTable(
      ['endpoint', 'answers 200', 'p50 ms', 'p99 ms', 'p99 / p50'],
      [
        latency('request'),
        latency('verify'),
        ...(result.baselineLabel === undefined
          ? []
          : (['request', 'verify'] as const).map((endpoint) =>
              latency(endpoint, result.baselineFlows, `${endpoint} (${result.baselineLabel})`),
            )),
      ],
    ),
    '',
    `The bench process (client, REST server, Plivo sandbox: one Node event loop) ran its timers late by p50 ${result.eventLoopDelayMs.p50.toFixed(1)} ms, p99 ${result.eventLoopDelayMs.p99.toFixed(1)} ms, max ${result.eventLoopDelayMs.max.toFixed(1)} ms over the flows (\`monitorEventLoopDelay\`): a late timer there is a late store answer (the REST server's emulated latency is a timer), a late SMS answer and a late client, whatever the Worker did.`,
    '',
    markdownTable(
      ['endpoint', 'span', 'p50 ms', 'p99 ms', 'max ms'],
      spanRows(result.flows).map((row) => [
        row.endpoint,
        row.span,
        ms(percentile(row.samples, 50)),
        ms(percentile(row.samples, 99)),
        ms(Math.max(...row.samples)),
      ]),
    ),
  ].join('\n');
}
