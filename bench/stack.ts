/**
 * The real local stack for the bench and the soak: a throwaway redis-server, the Upstash-compatible
 * REST server and the Plivo sandbox (each with an artificial latency standing in for the distance
 * from the edge), and the Worker under `wrangler dev` (local/worker-process.ts) wired to them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startPlivoSandbox } from '../local/plivo-sandbox/server.ts';
import { startThrowawayRedis } from '../local/redis-process.ts';
import { type RedisRestStats, startRedisRestServer } from '../local/redis-rest/server.ts';
import { startWranglerDev } from '../local/worker-process.ts';
import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';

export interface BenchStackOptions {
  storeLatencyMs: number;
  smsLatencyMs: number;
  /** Worker settings on top of the bench defaults (high limits, no cooldown, every country). */
  vars?: Record<string, string>;
}

export interface BenchStack {
  workerUrl: string;
  sandboxUrl: string;
  /** One command through the REST server, as the Worker sends them (counted in its stats). */
  redis(command: (string | number)[]): Promise<unknown>;
  restStats(): Promise<RedisRestStats>;
  /** VmRSS in KiB of every workerd process below wrangler (wrangler dev runs more than one). */
  workerdRss(): { pid: number; rssKiB: number }[];
  stop(): Promise<void>;
}

const REST_TOKEN = 'bench-rest-token';
const PLIVO_AUTH_ID = 'MABENCH0000000000000';
const PLIVO_AUTH_TOKEN = 'bench-plivo-auth-token';

/**
 * What the bench measures is the service, not the limiter refusing it: every limit is far above
 * what a run sends (the limiter still runs, so its round trip is measured), no resend cooldown,
 * every country. Flows use distinct numbers and client IPs anyway.
 */
export const BENCH_VARS: Readonly<Record<string, string>> = {
  ENVIRONMENT: 'development',
  ALLOWED_COUNTRIES: '*',
  OTP_RESEND_COOLDOWN_SECONDS: '0',
  RATE_LIMIT_SEND_PER_PHONE: '1000000/1h',
  RATE_LIMIT_SEND_PER_IP: '1000000/1h',
  RATE_LIMIT_SEND_PER_PREFIX: '1000000/1h',
  RATE_LIMIT_SEND_PER_COUNTRY: '1000000/1h',
  RATE_LIMIT_SEND_GLOBAL: '1000000/1h',
  RATE_LIMIT_VERIFY_PER_IP: '1000000/1h',
  DEMO_PAGE: 'off',
  DOCS_PAGE: 'off',
};

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const redisServer = await startThrowawayRedis();
    closers.push(() => redisServer.stop());
    const rest = await startRedisRestServer({
      token: REST_TOKEN,
      redisUrl: redisServer.url,
      latencyMs: options.storeLatencyMs,
    });
    closers.push(() => rest.close());
    const sandbox = await startPlivoSandbox({
      authId: PLIVO_AUTH_ID,
      authToken: PLIVO_AUTH_TOKEN,
      latencyMs: options.smsLatencyMs,
      log: () => undefined,
    });
    closers.push(() => sandbox.close());
    const receiptKey = await generateReceiptKey();
    const worker = await startWranglerDev({
      vars: {
        ...BENCH_VARS,
        PLIVO_BASE_URL: sandbox.url,
        PLIVO_SENDER: '+14155550100',
        ...options.vars,
      },
      secrets: {
        UPSTASH_REDIS_REST_URL: rest.url,
        UPSTASH_REDIS_REST_TOKEN: REST_TOKEN,
        PLIVO_AUTH_ID,
        PLIVO_AUTH_TOKEN,
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
      },
    });
    closers.push(() => worker.stop());
    const health = await fetch(`${worker.url}/health`);
    if (health.status !== 200) {
      throw new Error(
        `the Worker answers /health with ${health.status}: ${await health.text()}\n${worker.output()}`,
      );
    }

    const redis = async (command: (string | number)[]) => {
      const response = await fetch(rest.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${REST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      const body = (await response.json()) as { result?: unknown; error?: string };
      if (body.error !== undefined) throw new Error(`redis ${String(command[0])}: ${body.error}`);
      return body.result;
    };
    return {
      workerUrl: worker.url,
      sandboxUrl: sandbox.url,
      redis,
      restStats: async () => rest.stats(),
      workerdRss: () => (worker.pid === undefined ? [] : workerdBelow(worker.pid)),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Linux only: walks /proc for workerd processes whose ancestry leads to `rootPid`. */
function workerdBelow(rootPid: number): { pid: number; rssKiB: number }[] {
  const parentOf = new Map<number, number>();
  const nameOf = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid ...`; comm may contain spaces and parentheses, so split at the last ')'.
      const close = stat.lastIndexOf(')');
      nameOf.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parentOf.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // Exited while we looked.
    }
  }
  const below = (pid: number) => {
    for (
      let current = parentOf.get(pid);
      current !== undefined && current > 1;
      current = parentOf.get(current)
    ) {
      if (current === rootPid) return true;
    }
    return false;
  };
  const found: { pid: number; rssKiB: number }[] = [];
  for (const [pid, name] of nameOf) {
    if (name !== 'workerd' || !below(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (rss !== undefined) found.push({ pid, rssKiB: Number(rss) });
    } catch {
      // Exited while we looked.
    }
  }
  return found.sort((a, b) => a.pid - b.pid);
}
