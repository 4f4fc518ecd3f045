/**
 * `npm run bench:soak`: steady, low-concurrency OTP flows for a few minutes against the Worker under
 * `wrangler dev`, sampling latency, workerd's memory and Redis's size every 15 s; then it waits out
 * the (short) TTLs and checks that Redis is back to holding nothing without an expiry. Writes a
 * "Soak" section to bench/results.local.md (untracked), or with --write to the tracked
 * bench/results.md, or nowhere with --no-write.
 *
 *   npm run bench:soak -- [--minutes 3] [--concurrency 4] [--store-latency-ms 20] [--sms-latency-ms 60]
 *     [--write | --no-write]
 *
 * Short TTLs (codes 5 s, every rate window 10 s) so that "everything expired" is reached within the
 * run; a key with no TTL at the end is a leak: nothing else removes it.
 */
import { parseArgs } from 'node:util';
import { clientIpFor, type FlowResult, numberSource, percentile, runFlow } from './flows.ts';
import { machineLines, markdownTable, ms, repoPath, resultsDestination, writeSection } from './report.ts';
import { type BenchStack, startBenchStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    'store-latency-ms': { type: 'string', default: '20' },
    'sms-latency-ms': { type: 'string', default: '60' },
    'sample-seconds': { type: 'string', default: '15' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got ${text}`);
  return value;
}

const minutes = positive(values.minutes, '--minutes');
const concurrency = Math.round(positive(values.concurrency, '--concurrency'));
const storeLatencyMs = Number(values['store-latency-ms']);
const smsLatencyMs = Number(values['sms-latency-ms']);
const sampleMs = positive(values['sample-seconds'], '--sample-seconds') * 1000;

const CODE_TTL_SECONDS = 5;
const RATE_WINDOW = '10s';
/** @upstash/ratelimit keeps a sliding window's keys for twice the window plus a second. */
const LONGEST_SHORT_TTL_SECONDS = 21;
/** Every this many flows one sends a wrong code first: failure counters are created and must go again. */
const WRONG_GUESS_EVERY = 10;

const SOAK_VARS: Record<string, string> = {
  OTP_TTL_SECONDS: String(CODE_TTL_SECONDS),
  OTP_RESEND_COOLDOWN_SECONDS: '0',
  RATE_LIMIT_SEND_PER_PHONE: `1000000/${RATE_WINDOW}`,
  RATE_LIMIT_SEND_PER_IP: `1000000/${RATE_WINDOW}`,
  RATE_LIMIT_SEND_PER_PREFIX: `1000000/${RATE_WINDOW}`,
  RATE_LIMIT_SEND_PER_COUNTRY: `1000000/${RATE_WINDOW}`,
  RATE_LIMIT_SEND_GLOBAL: `1000000/${RATE_WINDOW}`,
  RATE_LIMIT_VERIFY_PER_IP: `1000000/${RATE_WINDOW}`,
};

/**
 * Why the RSS column cannot show a leak in the Worker. Checked on 2026-11-22 on the bench machine:
 * a hello-world Worker under the same wrangler dev grew by about 40 KiB per request per workerd
 * process over 10,000 requests, and the Worker's own code (the Hono app run in Node against the same
 * stack, heap measured after forced GCs) stayed at 23–29 MiB over 6,300 flows.
 */
const RSS_CAVEAT =
  "**RSS caveat**: both workerd processes of `wrangler dev` grow with every request whatever the Worker does (a hello-world Worker under the same wrangler grew by about 40 KiB per request per process, checked separately on this machine), while the Worker's own code run in Node against the same stack kept a flat heap (23–29 MiB after forced GC over 6,300 flows). The RSS column tracks the dev harness; the leak check that says something about the Worker is the Redis one below.";

interface Sample {
  /** Seconds since the load started, or a label. */
  at: string;
  flows: number;
  errors: number;
  requestP50: number;
  requestP99: number;
  verifyP50: number;
  verifyP99: number;
  workerdRssMiB: number[];
  dbsize: number;
  usedMemoryMiB: number;
}

interface KeyFamily {
  family: string;
  keys: number;
  withoutTtl: number;
  longestTtlSeconds: number;
}

async function redisFigures(stack: BenchStack) {
  const dbsize = Number(await stack.redis(['DBSIZE']));
  const info = String(await stack.redis(['INFO', 'memory']));
  const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  return { dbsize, usedMemoryMiB: usedMemory / 2 ** 20 };
}

function isError(result: FlowResult): boolean {
  return (
    result.failure !== undefined ||
    result.requestStatus < 200 ||
    result.requestStatus > 299 ||
    (result.verifyStatus !== undefined && (result.verifyStatus < 200 || result.verifyStatus > 299))
  );
}

async function takeSample(stack: BenchStack, at: string, window: FlowResult[]): Promise<Sample> {
  const request = window.map((result) => result.requestMs);
  const verify = window.flatMap((result) => (result.verifyMs === undefined ? [] : [result.verifyMs]));
  return {
    at,
    flows: window.length,
    errors: window.filter(isError).length,
    requestP50: percentile(request, 50),
    requestP99: percentile(request, 99),
    verifyP50: percentile(verify, 50),
    verifyP99: percentile(verify, 99),
    workerdRssMiB: stack.workerdRss().map((process) => process.rssKiB / 1024),
    ...(await redisFigures(stack)),
  };
}

/** `otp:code:…` → `otp:code`, `otp:rl:send-phone:…` → `otp:rl:send-phone`. */
function familyOf(key: string): string {
  const parts = key.split(':');
  return parts.slice(0, parts[1] === 'rl' ? 3 : 2).join(':');
}

async function keyFamilies(stack: BenchStack): Promise<KeyFamily[]> {
  const families = new Map<string, KeyFamily>();
  let cursor = '0';
  do {
    const [next, keys] = (await stack.redis(['SCAN', cursor, 'COUNT', 1000])) as [string, string[]];
    cursor = next;
    for (const key of keys) {
      const pttl = Number(await stack.redis(['PTTL', key]));
      if (pttl === -2) continue; // expired between SCAN and PTTL
      const name = familyOf(key);
      const family = families.get(name) ?? { family: name, keys: 0, withoutTtl: 0, longestTtlSeconds: 0 };
      family.keys += 1;
      if (pttl === -1) family.withoutTtl += 1;
      else family.longestTtlSeconds = Math.max(family.longestTtlSeconds, Math.ceil(pttl / 1000));
      families.set(name, family);
    }
  } while (cursor !== '0');
  return [...families.values()].sort((a, b) => a.family.localeCompare(b.family));
}

async function main() {
  const startedAt = new Date();
  console.log(`soak: ${minutes} min at concurrency ${concurrency}; starting the stack and wrangler dev…`);
  const stack = await startBenchStack({ storeLatencyMs, smsLatencyMs, vars: SOAK_VARS });
  const samples: Sample[] = [];
  const all: FlowResult[] = [];
  let families: KeyFamily[] = [];
  let afterWait: Awaited<ReturnType<typeof redisFigures>> | undefined;
  let redisVersion = 'unknown';
  try {
    redisVersion =
      /redis_version:(\S+)/.exec(String(await stack.redis(['INFO', 'server'])))?.[1] ?? redisVersion;
    const baseline = await takeSample(stack, '0 (before the load)', []);
    samples.push(baseline);
    console.log(formatSample(baseline));

    const nextNumber = numberSource(0);
    let flowIndex = 0;
    let window: FlowResult[] = [];
    const started = performance.now();
    const deadline = started + minutes * 60_000;
    const drive = async () => {
      while (performance.now() < deadline) {
        const index = flowIndex++;
        const result = await runFlow(stack, nextNumber(), clientIpFor(index + 1), {
          wrongGuessFirst: index % WRONG_GUESS_EVERY === 0,
        });
        window.push(result);
        all.push(result);
      }
    };
    const sampler = (async () => {
      for (let next = started + sampleMs; next <= deadline + 1; next += sampleMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
        const taken = window;
        window = [];
        const sample = await takeSample(
          stack,
          String(Math.round((performance.now() - started) / 1000)),
          taken,
        );
        samples.push(sample);
        console.log(formatSample(sample));
      }
    })();
    await Promise.all([...Array.from({ length: concurrency }, drive), sampler]);
    if (window.length > 0) {
      // Flows that were still running at the deadline.
      const at = `${Math.round((performance.now() - started) / 1000)} (last flows)`;
      samples.push(await takeSample(stack, at, window));
    }

    const waitSeconds = LONGEST_SHORT_TTL_SECONDS + 4;
    console.log(`soak: load stopped after ${all.length} flows; waiting ${waitSeconds} s for the short TTLs…`);
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    afterWait = await redisFigures(stack);
    families = await keyFamilies(stack);
  } finally {
    await stack.stop();
  }

  const markdown = render(samples, all, families, afterWait, startedAt, redisVersion);
  console.log(`\n${markdown}`);
  const file = resultsDestination(values);
  if (file) {
    writeSection('Soak', markdown, { file });
    console.log(`soak: wrote the Soak section of ${repoPath(file)}`);
  }
}

function formatSample(sample: Sample): string {
  return `soak: t=${sample.at}${/^\d+$/.test(sample.at) ? ' s' : ''}: flows ${sample.flows} errors ${sample.errors} request p50/p99 ${ms(sample.requestP50)}/${ms(sample.requestP99)} ms verify ${ms(sample.verifyP50)}/${ms(sample.verifyP99)} ms workerd RSS ${sample.workerdRssMiB.map((rss) => rss.toFixed(1)).join(' + ')} MiB, DBSIZE ${sample.dbsize}, Redis used ${sample.usedMemoryMiB.toFixed(2)} MiB`;
}

function render(
  samples: Sample[],
  all: FlowResult[],
  families: KeyFamily[],
  afterWait: { dbsize: number; usedMemoryMiB: number } | undefined,
  startedAt: Date,
  redisVersion: string,
): string {
  const leaks = families.filter((family) => family.withoutTtl > 0);
  const errors = all.filter(isError).length;
  const argv = process.argv.slice(2);
  return [
    `Run ${startedAt.toISOString()} with \`npm run bench:soak${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\`.`,
    '',
    ...machineLines(redisVersion),
    `- Settings: ${minutes} min of flows at concurrency ${concurrency} (one in ${WRONG_GUESS_EVERY} sends a wrong code first); store +${storeLatencyMs} ms, SMS +${smsLatencyMs} ms; \`OTP_TTL_SECONDS=${CODE_TTL_SECONDS}\`, cooldown 0, every rate limit \`1000000/${RATE_WINDOW}\`; a sample every ${sampleMs / 1000} s (latencies of the flows finished in that interval, ms; RSS = VmRSS of each workerd process under wrangler)`,
    `- ${all.length} flows, ${errors} with an error.`,
    '',
    markdownTable(
      [
        't (s)',
        'flows',
        'errors',
        'request p50',
        'request p99',
        'verify p50',
        'verify p99',
        'workerd RSS (MiB)',
        'Redis DBSIZE',
        'Redis used_memory (MiB)',
      ],
      samples.map((sample) => [
        sample.at,
        sample.flows,
        sample.errors,
        ms(sample.requestP50),
        ms(sample.requestP99),
        ms(sample.verifyP50),
        ms(sample.verifyP99),
        sample.workerdRssMiB.map((rss) => rss.toFixed(1)).join(' + ') || 'n/a',
        sample.dbsize,
        sample.usedMemoryMiB.toFixed(2),
      ]),
    ),
    '',
    RSS_CAVEAT,
    '',
    `### ${LONGEST_SHORT_TTL_SECONDS + 4} s after the load (the longest short TTL is ${LONGEST_SHORT_TTL_SECONDS} s)`,
    '',
    afterWait
      ? `DBSIZE ${afterWait.dbsize}, used_memory ${afterWait.usedMemoryMiB.toFixed(2)} MiB. Keys left, by family (SCAN + PTTL through the REST server):`
      : 'The wait did not complete.',
    '',
    families.length === 0
      ? 'No keys left.'
      : markdownTable(
          ['family', 'keys', 'without TTL (leak)', 'longest remaining TTL (s)'],
          families.map((family) => [family.family, family.keys, family.withoutTtl, family.longestTtlSeconds]),
        ),
    '',
    leaks.length === 0
      ? 'No leak: every key left has a TTL still running (`stats:{hour}` counters are kept 8 days by design).'
      : `**Leak**: ${leaks.map((family) => `${family.withoutTtl} × ${family.family}`).join(', ')} without a TTL.`,
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
