/**
 * The real local stack for the bench and the soak: a throwaway redis-server, the Upstash-compatible
 * REST server and the Plivo sandbox (each with an artificial latency standing in for the distance
 * from the edge), and the Worker under `wrangler dev` (local/worker-process.ts) wired to them.
 */
import type { RedisRestStats } from '../local/redis-rest/server.ts';
import { startLocalStack } from '../local/stack.ts';
import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';
import { processTree } from './process-tree.ts';

export interface BenchStackOptions {
  storeLatencyMs: number;
  smsLatencyMs: number;
  /** Worker settings on top of the bench defaults (high limits, no cooldown, every country). */
  vars?: Record<string, string>;
  /** Start the local webhook inbox with these secrets and point the Worker's events at it. */
  webhookSecrets?: string[];
}

export interface BenchStack {
  workerUrl: string;
  sandboxUrl: string;
  /** The webhook inbox's base URL, when `webhookSecrets` started one. */
  webhookInboxUrl: string | undefined;
  /** One command through the REST server, as the Worker sends them (counted in its stats). */
  redis(command: (string | number)[]): Promise<unknown>;
  restStats(): Promise<RedisRestStats>;
  /** VmRSS in KiB of every workerd process below wrangler (wrangler dev runs more than one). */
  workerdRss(): { pid: number; rssKiB: number }[];
  /** CPU time (user + system, ms) used so far by wrangler's node process and each process below it. */
  workerCpuMs(): { pid: number; name: string; cpuMs: number }[];
  stop(): Promise<void>;
}

export const REST_TOKEN = 'bench-rest-token';
export const PLIVO_AUTH_ID = 'MABENCH0000000000000';
export const PLIVO_AUTH_TOKEN = 'bench-plivo-auth-token';

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
  const receiptKey = await generateReceiptKey();
  const stack = await startLocalStack({
    redisRest: { token: REST_TOKEN, latencyMs: options.storeLatencyMs },
    plivo: {
      authId: PLIVO_AUTH_ID,
      authToken: PLIVO_AUTH_TOKEN,
      latencyMs: options.smsLatencyMs,
      log: () => undefined,
    },
    webhookInbox: options.webhookSecrets ? { secrets: options.webhookSecrets } : false,
    worker: {
      vars: { ...BENCH_VARS, PLIVO_SENDER: '+14155550100', ...options.vars },
      secrets: {
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
      },
    },
  });
  const rest = stack.redisRest.server;
  const { worker } = stack;
  try {
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
      sandboxUrl: stack.plivo.url,
      webhookInboxUrl: stack.webhookInbox?.url,
      redis,
      restStats: async () => rest.stats(),
      workerdRss: () =>
        worker.pid === undefined
          ? []
          : processTree(worker.pid)
              .filter((process) => process.name === 'workerd')
              .map(({ pid, rssKiB }) => ({ pid, rssKiB })),
      workerCpuMs: () =>
        worker.pid === undefined
          ? []
          : processTree(worker.pid).map(({ pid, name, cpuMs }) => ({ pid, name, cpuMs })),
      stop: stack.close,
    };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
