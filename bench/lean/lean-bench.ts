/**
 * `npm run bench`'s lean part: the production bundle in workerd with no dev proxy
 * (./lean-worker.ts), against the same local stack as the `wrangler dev` part.
 *
 * - Latency: complete flows at concurrency 1 (a fixed store and SMS latency), with the client's
 *   time and each answer's `Server-Timing` spans, so a tail is attributed to the Worker, the store,
 *   the provider or the harness (client time minus the Worker's `total`).
 * - CPU: workerd's CPU time (every thread, /proc schedstat, ns) over a batch of calls to one
 *   endpoint, per call, less what it burns idle over as long; the hello-world Worker in the same
 *   workerd process is measured the same way between them, in rounds (hello, health, request,
 *   verify, hello, …), so background load from elsewhere on the machine hits all of them alike, and
 *   the spread over the rounds says how noisy the figure is.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RedisRestStats } from '../../local/redis-rest/server.ts';
import { startLocalStack } from '../../local/stack.ts';
import { generateOtpSecret, generateReceiptKey } from '../../scripts/keygen.ts';
import { clientIpFor, type FlowResult, type FlowTarget, type numberSource, pool, runFlow } from '../flows.ts';
import { BENCH_VARS, PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, REST_TOKEN } from '../stack.ts';
import type { BuiltWorker } from './build-bundle.ts';
import { type LeanWorkers, startLeanWorkers } from './lean-worker.ts';
import { devVars } from './wrangler-vars.ts';

export interface LeanOptions {
  otpEdge: BuiltWorker;
  /** Another build (an older commit), measured in the same rounds and interleaved flows. */
  baseline?: { built: BuiltWorker; label: string } | undefined;
  hello: BuiltWorker;
  storeLatencyMs: number;
  smsLatencyMs: number;
  /** Flows at concurrency 1 for the latency figures. */
  flows: number;
  /** Calls per endpoint per round for the CPU figures. */
  cpuCalls: number;
  cpuRounds: number;
  cpuConcurrency: number;
  nextNumber: ReturnType<typeof numberSource>;
}

export interface LeanCpuRow {
  endpoint: string;
  /** workerd CPU ms per call in each round, idle subtracted. */
  perRound: number[];
  unexpected: number;
}

export interface LeanResult {
  flows: FlowResult[];
  /** The baseline build's flows, each run right after the same-numbered flow above. */
  baselineFlows: FlowResult[];
  baselineLabel: string | undefined;
  /**
   * This process's event-loop delay over the flows (ms): the client, the REST server and the
   * Plivo sandbox all run on it, so a late timer here is a late store or provider answer and a
   * late client, whatever the Worker did.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** REST server requests per flow at concurrency 1. */
  roundTripsPerFlow: number;
  cpu: LeanCpuRow[];
  /** workerd's CPU ms per second with no traffic (subtracted above). */
  idleMsPerSecond: number;
  /** A few of the Worker's log lines (the last request and verify), to show the spans they carry. */
  sampleLogLines: string[];
}

const WARM_UP_FLOWS = 20;
const IDLE_SAMPLE_MS = 3_000;

async function drain(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

export interface LeanStack {
  workers: LeanWorkers;
  target: FlowTarget;
  /** The REST server's URL (the store, as the Worker reaches it). */
  restUrl: string;
  restStats(): Promise<RedisRestStats>;
}

/** The local stack (REST server, Plivo sandbox) and the lean workers wired to it, for `body`. */
export async function withLeanStack<T>(
  options: Pick<LeanOptions, 'otpEdge' | 'baseline' | 'hello' | 'storeLatencyMs' | 'smsLatencyMs'> & {
    inspectorPort?: number;
    /** The hello-world slot also gets otp-edge's settings (bench:costs runs otp-edge's app in it). */
    helloWithAppBindings?: boolean;
  },
  body: (lean: LeanStack) => Promise<T>,
): Promise<T> {
  const receiptKey = await generateReceiptKey();
  const stack = await startLocalStack({
    redisRest: { token: REST_TOKEN, latencyMs: options.storeLatencyMs },
    plivo: {
      authId: PLIVO_AUTH_ID,
      authToken: PLIVO_AUTH_TOKEN,
      latencyMs: options.smsLatencyMs,
      log: () => undefined,
    },
    worker: false,
  });
  try {
    const bindings = {
      ...devVars(),
      ...BENCH_VARS,
      // The guard's budgets at their maximum: batches of requests to consecutive numbers (one
      // range, one block) before their verifies would otherwise meet it. It still runs in the
      // same script, so its cost is measured.
      FRAUD_GUARD_RANGE_BASE: '1000',
      FRAUD_GUARD_BLOCK_BASE: '10000',
      FRAUD_GUARD_COUNTRY_BASE: '1000000',
      PLIVO_SENDER: '+14155550100',
      ...stack.workerWiring,
      OTP_SECRET: generateOtpSecret(),
      RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
    };
    const workers = await startLeanWorkers({
      otpEdge: options.otpEdge,
      baseline: options.baseline?.built,
      hello: options.hello,
      bindings,
      helloBindings: {
        ...(options.helloWithAppBindings ? bindings : {}),
        STORE_URL: stack.workerWiring.UPSTASH_REDIS_REST_URL ?? '',
        STORE_TOKEN: REST_TOKEN,
      },
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    });
    try {
      const health = await fetch(`${workers.otpEdgeUrl}/health`);
      if ((await drain(health)) !== 200) throw new Error(`lean harness: /health answered ${health.status}`);
      return await body({
        workers,
        target: { workerUrl: workers.otpEdgeUrl, sandboxUrl: stack.plivo.url },
        restUrl: stack.redisRest.server.url,
        restStats: async () => stack.redisRest.server.stats(),
      });
    } finally {
      await workers.stop();
    }
  } finally {
    await stack.close();
  }
}

export async function runLeanBench(options: LeanOptions): Promise<LeanResult> {
  return withLeanStack(options, async ({ workers, target, restStats }) => {
    let ip = 1_000_000;
    // Loads the Lua scripts (the first EVALSHA of each is a NOSCRIPT + EVAL) and warms the isolate.
    await pool(WARM_UP_FLOWS, 1, () => runFlow(target, options.nextNumber(), clientIpFor(ip++)));

    const baselineTarget = workers.baselineUrl ? { ...target, workerUrl: workers.baselineUrl } : undefined;
    if (baselineTarget) {
      await pool(WARM_UP_FLOWS, 1, () => runFlow(baselineTarget, options.nextNumber(), clientIpFor(ip++)));
    }
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const flows: FlowResult[] = [];
    const baselineFlows: FlowResult[] = [];
    let roundTrips = 0;
    for (let flow = 0; flow < options.flows; flow++) {
      const before = await restStats();
      flows.push(await runFlow(target, options.nextNumber(), clientIpFor(ip++)));
      roundTrips += (await restStats()).requests - before.requests;
      if (baselineTarget) {
        baselineFlows.push(await runFlow(baselineTarget, options.nextNumber(), clientIpFor(ip++)));
      }
    }
    loopDelay.disable();
    const eventLoopDelayMs = {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    };
    const sampleLogLines = workers.logLines.slice(-2);

    const idleBefore = workers.cpuNs();
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
    const idleMsPerSecond = (workers.cpuNs() - idleBefore) / 1e6 / ((performance.now() - idleStarted) / 1000);

    const rows = new Map<string, LeanCpuRow>();
    const batch = async (endpoint: string, call: (index: number) => Promise<boolean>) => {
      const cpuBefore = workers.cpuNs();
      const started = performance.now();
      const outcomes = await pool(options.cpuCalls, options.cpuConcurrency, call);
      const seconds = (performance.now() - started) / 1000;
      const ms = Math.max(0, (workers.cpuNs() - cpuBefore) / 1e6 - idleMsPerSecond * seconds);
      const row = rows.get(endpoint) ?? { endpoint, perRound: [], unexpected: 0 };
      row.perRound.push(ms / options.cpuCalls);
      row.unexpected += outcomes.filter((ok) => !ok).length;
      rows.set(endpoint, row);
    };
    const nextIp = () => clientIpFor(ip++);
    const builds = [
      { suffix: '', endpoints: leanEndpoints(target, nextIp, options.nextNumber, options.cpuConcurrency) },
      ...(baselineTarget
        ? [
            {
              suffix: ` (${options.baseline?.label ?? 'baseline'})`,
              endpoints: leanEndpoints(baselineTarget, nextIp, options.nextNumber, options.cpuConcurrency),
            },
          ]
        : []),
    ];
    for (let round = 0; round < options.cpuRounds; round++) {
      await batch(
        'GET / (hello-world Worker)',
        async () => (await drain(await fetch(`${workers.helloUrl}/`))) === 200,
      );
      await batch(
        'GET /io?calls=1 (hello-world + 1 store subrequest)',
        async () => (await drain(await fetch(`${workers.helloUrl}/io?calls=1`))) === 200,
      );
      await batch(
        'GET /io?calls=2 (hello-world + 2 subrequests)',
        async () => (await drain(await fetch(`${workers.helloUrl}/io?calls=2`))) === 200,
      );
      for (const { suffix, endpoints } of builds) {
        await batch(`GET /health${suffix}`, endpoints.health);
        const requested = await endpoints.prepareRequests(options.cpuCalls);
        await batch(`POST /otp/request${suffix}`, requested.request);
        const verify = await requested.readCodes();
        await batch(`POST /otp/verify${suffix}`, verify);
      }
    }
    return {
      flows,
      baselineFlows,
      baselineLabel: options.baseline?.label,
      eventLoopDelayMs,
      roundTripsPerFlow: roundTrips / options.flows,
      cpu: [...rows.values()],
      idleMsPerSecond,
      sampleLogLines,
    };
  });
}

/**
 * The calls the CPU figures are taken over: a batch of requests (each a fresh number and client),
 * then, once their codes are read from the sandbox (outside any measured batch: the sandbox runs
 * in this process, not in workerd), a batch of verifies of those codes.
 */
export function leanEndpoints(
  target: FlowTarget,
  nextIp: () => string,
  nextNumber: ReturnType<typeof numberSource>,
  concurrency: number,
) {
  const post = (path: string, clientIp: string, body: unknown) =>
    fetch(`${target.workerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': clientIp },
      body: JSON.stringify(body),
    });
  return {
    health: async () => (await drain(await fetch(`${target.workerUrl}/health`))) === 200,
    prepareRequests: async (count: number) => {
      const phones = Array.from({ length: count }, () => nextNumber());
      const ips = phones.map(() => nextIp());
      const ids: string[] = [];
      return {
        request: async (index: number) => {
          const response = await post('/otp/request', ips[index] ?? '', { phone: phones[index] });
          const body = (await response.json()) as { verificationId?: string };
          ids[index] = body.verificationId ?? '';
          return response.status === 200;
        },
        readCodes: async () => {
          const codes = await pool(count, concurrency, async (index) => {
            const response = await fetch(
              `${target.sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phones[index] ?? '')}`,
            );
            const [latest] = (await response.json()) as { text: string }[];
            return latest?.text.match(/(?<!\d)(\d{4,10})(?!\d)/)?.[1] ?? '';
          });
          return async (index: number) =>
            (await drain(
              await post('/otp/verify', ips[index] ?? '', { verificationId: ids[index], code: codes[index] }),
            )) === 200;
        },
      };
    },
  };
}
