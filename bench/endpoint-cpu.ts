/**
 * The Worker's CPU time per request, by endpoint: user + system time of the workerd processes below
 * `wrangler dev` (from /proc) over a batch of calls to one endpoint, less what they burn idle over
 * the same time, divided by the calls. The same harness runs against a hello-world Worker
 * (bench/hello-worker/), so the dev server's own cost per request (its proxy workerd, Miniflare's
 * entry worker, HTTP parsing) is visible and can be subtracted: what remains is otp-edge's code.
 * Also the store round trips per call (the REST server's `/__stats`).
 */
import { startWranglerDev } from '../local/worker-process.ts';
import { clientIpFor, type numberSource, pool } from './flows.ts';
import { processTree } from './process-tree.ts';
import type { BenchStack } from './stack.ts';

export interface EndpointCpu {
  endpoint: string;
  calls: number;
  /** CPU ms per call of all workerd processes together, idle time subtracted. */
  workerdMsPerCall: number;
  /** CPU ms per call of wrangler's own node process, idle time subtracted. */
  wranglerMsPerCall: number;
  /** Store round trips per call; undefined for the hello-world Worker (no store). */
  roundTripsPerCall: number | undefined;
  /** Calls that did not answer the expected status. */
  unexpected: number;
}

export interface CpuOptions {
  calls: number;
  concurrency: number;
}

export const IDLE_SAMPLE_MS = 2_000;

type CpuReader = () => { pid: number; name: string; cpuMs: number }[];

interface CpuTotals {
  workerd: number;
  wrangler: number;
}

function totals(read: CpuReader): CpuTotals {
  const processes = read();
  const sum = (names: (name: string) => boolean) =>
    processes.filter((process) => names(process.name)).reduce((total, process) => total + process.cpuMs, 0);
  return { workerd: sum((name) => name === 'workerd'), wrangler: sum((name) => name === 'node') };
}

/** CPU ms per second each group burns with no traffic (timers, file watchers, the inspector). */
async function idleRate(read: CpuReader): Promise<CpuTotals> {
  const before = totals(read);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  const after = totals(read);
  const seconds = (performance.now() - started) / 1000;
  return {
    workerd: (after.workerd - before.workerd) / seconds,
    wrangler: (after.wrangler - before.wrangler) / seconds,
  };
}

async function measureBatch(
  read: CpuReader,
  idle: CpuTotals,
  options: CpuOptions,
  call: (index: number) => Promise<boolean>,
): Promise<{ workerdMsPerCall: number; wranglerMsPerCall: number; unexpected: number }> {
  const before = totals(read);
  const started = performance.now();
  const outcomes = await pool(options.calls, options.concurrency, call);
  const seconds = (performance.now() - started) / 1000;
  const after = totals(read);
  const perCall = (group: keyof CpuTotals) =>
    Math.max(0, after[group] - before[group] - idle[group] * seconds) / options.calls;
  return {
    workerdMsPerCall: perCall('workerd'),
    wranglerMsPerCall: perCall('wrangler'),
    unexpected: outcomes.filter((ok) => !ok).length,
  };
}

async function status(response: Promise<Response>): Promise<number> {
  const answered = await response;
  await answered.arrayBuffer();
  return answered.status;
}

/** health, request and verify on the otp-edge stack, one endpoint at a time. */
export async function measureOtpEdgeCpu(
  stack: BenchStack,
  nextNumber: ReturnType<typeof numberSource>,
  firstIp: number,
  options: CpuOptions,
): Promise<EndpointCpu[]> {
  const read = stack.workerCpuMs;
  const idle = await idleRate(read);
  const results: EndpointCpu[] = [];
  const batch = async (endpoint: string, call: (index: number) => Promise<boolean>) => {
    const statsBefore = await stack.restStats();
    const measured = await measureBatch(read, idle, options, call);
    const statsAfter = await stack.restStats();
    results.push({
      endpoint,
      calls: options.calls,
      ...measured,
      roundTripsPerCall: (statsAfter.requests - statsBefore.requests) / options.calls,
    });
  };
  // One client IP per call, as CF-Connecting-IP: wrangler dev passes a client's own through.
  const post = (path: string, ip: string, body: unknown) =>
    fetch(`${stack.workerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      body: JSON.stringify(body),
    });

  await batch('GET /health', async () => (await status(fetch(`${stack.workerUrl}/health`))) === 200);
  const phones = Array.from({ length: options.calls }, () => nextNumber());
  const ipOf = (index: number) => clientIpFor(firstIp + index);
  const ids: string[] = [];
  await batch('POST /otp/request', async (index) => {
    const response = await post('/otp/request', ipOf(index), { phone: phones[index] });
    const body = (await response.json()) as { verificationId?: string };
    ids[index] = body.verificationId ?? '';
    return response.status === 200;
  });
  // Read outside the measured batch: the sandbox runs in this process, not in workerd, anyway.
  const codes = await pool(options.calls, options.concurrency, async (index) => {
    const response = await fetch(
      `${stack.sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phones[index] ?? '')}`,
    );
    const [latest] = (await response.json()) as { text: string }[];
    return latest?.text.match(/(?<!\d)(\d{4,10})(?!\d)/)?.[1] ?? '';
  });
  await batch(
    'POST /otp/verify',
    async (index) =>
      (await status(post('/otp/verify', ipOf(index), { verificationId: ids[index], code: codes[index] }))) ===
      200,
  );
  return results;
}

/** The same batch against a Worker that only answers `{"status":"ok"}`, under the same `wrangler dev`. */
export async function measureHelloWorldCpu(options: CpuOptions): Promise<EndpointCpu> {
  const worker = await startWranglerDev({ config: 'bench/hello-worker/wrangler.toml' });
  try {
    const pid = worker.pid;
    const read: CpuReader = () => (pid === undefined ? [] : processTree(pid));
    // One call first, so workerd has compiled and run the Worker before the idle sample.
    await status(fetch(`${worker.url}/`));
    const idle = await idleRate(read);
    const measured = await measureBatch(
      read,
      idle,
      options,
      async () => (await status(fetch(`${worker.url}/`))) === 200,
    );
    return {
      endpoint: 'GET / (hello-world Worker)',
      calls: options.calls,
      ...measured,
      roundTripsPerCall: undefined,
    };
  } finally {
    await worker.stop();
  }
}
