/**
 * `npm run bench:regions`: what regional stores (docs/regions.md) buy a user far from the default
 * database. Three REST servers stand for three regions as one user's edge sees them, each with its
 * own redis-server and its own emulated round trip: the default region (the home database, far:
 * 200 ms by default), `eu` (80 ms) and `ap` (5 ms, near). Users of GB, AU and US numbers run
 * complete flows (request → read the SMS → verify) at concurrency 1 against the Worker twice: with
 * one store (every country in the default region, as before regions) and with regional stores
 * (GB → eu, AU → ap, US stays in the default region).
 *
 *   npm run bench:regions -- [--harness lean|wrangler-dev] [--rtt default=200,eu=80,ap=5]
 *     [--sms-latency-ms 60] [--flows 30] [--write | --no-write]
 *
 * `lean` (the default) runs the production bundle, minified, in workerd with no dev proxy
 * (bench/lean/): both setups are the same build in one workerd, configured apart. `wrangler-dev`
 * runs two `wrangler dev` servers instead, as a developer's machine does.
 *
 * For each country and setup: request and verify p50 / p99, and p50 minus the store round trip the
 * user paid and the Worker's own time (its `Server-Timing` `worker` span): what is left is the
 * harness (the client, the sockets, a dev proxy). A near region's user should pay the near round
 * trip plus the Worker's time, not the far one. Nothing asserts: figures only.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { startWranglerDev } from '../local/worker-process.ts';
import { generateOtpSecret, generateReceiptKey } from '../scripts/keygen.ts';
import { classifyNumberKind } from '../src/phone/number-kind.ts';
import { parsePhone } from '../src/phone/parse-phone.ts';
import { clientIpFor, type FlowResult, percentile, runFlow } from './flows.ts';
import { buildWorkerBundle } from './lean/build-bundle.ts';
import { parseServerTiming } from './lean/lean-report.ts';
import { startLeanWorkers } from './lean/lean-worker.ts';
import { devVars } from './lean/wrangler-vars.ts';
import { machineLines, markdownTable, ms, repoPath, resultsDestination, writeSection } from './report.ts';
import { BENCH_VARS } from './stack.ts';

const { values } = parseArgs({
  options: {
    harness: { type: 'string', default: 'lean' },
    rtt: { type: 'string', default: 'default=200,eu=80,ap=5' },
    'sms-latency-ms': { type: 'string', default: '60' },
    flows: { type: 'string', default: '30' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

const rtt = Object.fromEntries(
  values.rtt.split(',').map((entry) => {
    const [name, value] = entry.split('=');
    const latency = Number(value);
    if (!name || !Number.isInteger(latency) || latency < 0) throw new Error(`--rtt: bad entry ${entry}`);
    return [name.trim(), latency];
  }),
) as Record<string, number>;
const defaultRtt = rtt.default ?? 200;
const euRtt = rtt.eu ?? 80;
const apRtt = rtt.ap ?? 5;
const smsLatencyMs = Number(values['sms-latency-ms']);
const flowsPerCountry = Number(values.flows);
const WARM_UP_FLOWS = 3;
const harness = values.harness;
if (harness !== 'lean' && harness !== 'wrangler-dev') throw new Error('--harness: lean or wrangler-dev');
const HARNESS_LABEL =
  harness === 'lean'
    ? 'the production bundle, minified, in workerd through Miniflare with no dev proxy (bench/lean/)'
    : 'the Worker under `wrangler dev`';

const REST_TOKEN = 'bench-regions-rest-token';
const PLIVO_AUTH_ID = 'MABENCHREGIONS000000';
const PLIVO_AUTH_TOKEN = 'bench-regions-plivo-token';

/** The countries a run sends users of, with the region regional stores put them in. */
const COUNTRIES = [
  { country: 'AU', region: 'ap', prefix: '+614', digits: 8 },
  { country: 'GB', region: 'eu', prefix: '+447', digits: 9 },
  { country: 'US', region: 'default', prefix: '+1415', digits: 7 },
] as const;

/** Distinct valid mobile numbers of one country, skipping the sandbox's scripted 00xx endings. */
function numbersOf(prefix: string, digits: number, country: string, offset: number): () => string {
  let next = offset;
  return () => {
    for (;;) {
      next += 7919;
      const candidate = `${prefix}${String(next % 10 ** digits).padStart(digits, '0')}`;
      if (/00\d\d$/.test(candidate)) continue;
      const parsed = parsePhone(candidate);
      if (parsed.ok && parsed.country === country && classifyNumberKind(parsed.e164).kind === 'allowed')
        return parsed.e164;
    }
  };
}

interface Row {
  setup: string;
  country: string;
  region: string;
  storeRttMs: number;
  results: FlowResult[];
}

interface Setup {
  name: string;
  url: string;
  regional: boolean;
}

/**
 * Both Workers run side by side and take turns flow by flow (every country, then every setup), so
 * the load of a shared machine falls on both alike and the difference is the store's distance.
 */
async function runInterleaved(setups: Setup[], sandboxUrl: string): Promise<Row[]> {
  const rows = new Map<string, Row>();
  const numbers = new Map(
    COUNTRIES.map(({ country, prefix, digits }) => [
      country,
      numbersOf(prefix, digits, country, Math.floor(Math.random() * 1e6)),
    ]),
  );
  let flowIndex = 0;
  for (let flow = -WARM_UP_FLOWS; flow < flowsPerCountry; flow += 1) {
    for (const { country, region } of COUNTRIES) {
      for (const setup of setups) {
        const phone = (numbers.get(country) as () => string)();
        const result = await runFlow({ workerUrl: setup.url, sandboxUrl }, phone, clientIpFor(flowIndex++));
        if (flow < 0) continue;
        const key = `${setup.name}:${country}`;
        let row = rows.get(key);
        if (!row) {
          const storeRegion = setup.regional ? region : 'default';
          const storeRttMs = storeRegion === 'ap' ? apRtt : storeRegion === 'eu' ? euRtt : defaultRtt;
          row = { setup: setup.name, country, region: storeRegion, storeRttMs, results: [] };
          rows.set(key, row);
        }
        row.results.push(result);
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) => a.setup.localeCompare(b.setup) || a.country.localeCompare(b.country),
  );
}

function verifyTimes(results: FlowResult[]): number[] {
  return results.flatMap((result) => (result.verifyStatus === 200 ? [result.verifyMs ?? 0] : []));
}

/** The Worker's own time of each approved verify: its `Server-Timing` `worker` span. */
function verifyWorkerTimes(results: FlowResult[]): number[] {
  return results.flatMap((result) => {
    const worker = parseServerTiming(result.verifyTiming).get('worker');
    return result.verifyStatus === 200 && worker !== undefined ? [worker] : [];
  });
}

function requestTimes(results: FlowResult[]): number[] {
  return results.flatMap((result) => (result.requestStatus === 200 ? [result.requestMs] : []));
}

async function main() {
  const startedAt = new Date();
  const receiptKey = await generateReceiptKey();
  const stack: LocalStack = await startLocalStack({
    redisRest: { token: REST_TOKEN, latencyMs: defaultRtt },
    storeRegions: {
      eu: { token: REST_TOKEN, latencyMs: euRtt, countries: ['GB'] },
      ap: { token: REST_TOKEN, latencyMs: apRtt, countries: ['AU'] },
    },
    plivo: {
      authId: PLIVO_AUTH_ID,
      authToken: PLIVO_AUTH_TOKEN,
      latencyMs: smsLatencyMs,
      log: () => undefined,
    },
  });
  let rows: Row[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const sandboxUrl = stack.plivo?.url ?? '';
    const secrets = {
      OTP_SECRET: generateOtpSecret(),
      RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
    };
    const { STORE_REGIONS, STORE_REGION_TOKENS, STORE_REGION_COUNTRIES, ...oneStore } = stack.workerWiring;
    const vars = { ...BENCH_VARS, PLIVO_SENDER: '+14155550100' };
    // Separate key prefixes: the one-store Worker must not see the regional one's default-region keys.
    const oneStoreSecrets = { ...oneStore, ...secrets, KEY_PREFIX: 'one:' };
    const regionalSecrets = { ...stack.workerWiring, ...secrets, KEY_PREFIX: 'regional:' };
    const setups: Setup[] = [];
    if (harness === 'lean') {
      console.log('bench:regions: building the production bundle for the lean harness…');
      const [built, hello] = await Promise.all([
        buildWorkerBundle({ minify: true }),
        buildWorkerBundle({ config: 'bench/hello-worker/wrangler.toml', minify: true }),
      ]);
      // One build twice in one workerd: `otp-edge` with regional stores, its twin with one store.
      const workers = await startLeanWorkers({
        otpEdge: built,
        baseline: built,
        hello,
        bindings: { ...devVars(), ...vars, ...regionalSecrets },
        baselineBindings: { ...devVars(), ...vars, ...oneStoreSecrets },
        helloBindings: {},
      });
      stops.push(() => workers.stop());
      setups.push(
        { name: 'one store', url: workers.baselineUrl ?? '', regional: false },
        { name: 'regional stores', url: workers.otpEdgeUrl, regional: true },
      );
    } else {
      for (const [name, wiring, regional] of [
        ['one store', oneStoreSecrets, false],
        ['regional stores', regionalSecrets, true],
      ] as const) {
        console.log(`bench:regions: ${name}: starting wrangler dev…`);
        const worker = await startWranglerDev({ vars, secrets: wiring });
        stops.push(() => worker.stop());
        setups.push({ name, url: worker.url, regional });
      }
    }
    console.log(`bench:regions: ${flowsPerCountry} flows per country and setup, interleaved…`);
    rows = await runInterleaved(setups, sandboxUrl);
  } finally {
    for (const stop of stops) await stop();
    await stack.close();
  }
  report(rows, startedAt);
}

function report(rows: Row[], startedAt: Date) {
  const table = markdownTable(
    [
      'setup',
      'country',
      'store region',
      'store RTT (ms)',
      'flows ok',
      'request p50 / p99 (ms)',
      'verify p50 / p99 (ms)',
      'verify p50 − RTT (ms)',
      "Worker's own time, verify p50 (ms)",
      'verify p50 − (RTT + own time) (ms)',
    ],
    rows.map((row) => {
      const verify = verifyTimes(row.results);
      const request = requestTimes(row.results);
      const verifyP50 = percentile(verify, 50);
      const ownP50 = percentile(verifyWorkerTimes(row.results), 50);
      return [
        row.setup,
        row.country,
        row.region,
        row.storeRttMs,
        `${verify.length}/${row.results.length}`,
        `${ms(percentile(request, 50))} / ${ms(percentile(request, 99))}`,
        `${ms(verifyP50)} / ${ms(percentile(verify, 99))}`,
        ms(verifyP50 - row.storeRttMs),
        ms(ownP50),
        ms(verifyP50 - row.storeRttMs - ownP50),
      ];
    }),
  );
  const comparison = markdownTable(
    [
      'country',
      'verify p50, one store (ms)',
      'verify p50, regional (ms)',
      'saved (ms)',
      'regional p50 − (its RTT + one store p50 − 200 ms RTT) (ms)',
    ],
    COUNTRIES.map(({ country }) => {
      const one = rows.find((row) => row.setup === 'one store' && row.country === country);
      const regional = rows.find((row) => row.setup === 'regional stores' && row.country === country);
      const oneP50 = percentile(verifyTimes(one?.results ?? []), 50);
      const regionalP50 = percentile(verifyTimes(regional?.results ?? []), 50);
      // What the one-store run shows the Worker, its proxy and the client add beyond the round trip.
      const ownTime = oneP50 - (one?.storeRttMs ?? defaultRtt);
      return [
        country,
        ms(oneP50),
        ms(regionalP50),
        ms(oneP50 - regionalP50),
        ms(regionalP50 - ((regional?.storeRttMs ?? 0) + ownTime)),
      ];
    }),
  );
  const body = [
    `Run ${startedAt.toISOString()}: \`npm run bench:regions -- --harness ${harness} --rtt ${values.rtt} --sms-latency-ms ${smsLatencyMs} --flows ${flowsPerCountry}\`, concurrency 1, ${WARM_UP_FLOWS} warm-up flows per country and setup; the two Workers run side by side and take turns flow by flow.`,
    '',
    ...machineLines(
      '(one redis-server per region)',
      harness === 'lean' ? 'the Worker in workerd through Miniflare (lean harness)' : undefined,
    ),
    `- Load average when the run ended: ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(', ')} (1, 5, 15 min) on ${os.cpus().length} cores${
      (os.loadavg()[0] ?? 0) > 0.75 * os.cpus().length
        ? ': other work shared the machine, so the absolute times carry its noise; the comparison between setups, taken in turns, less so.'
        : '.'
    }`,
    `- Three REST servers, each with its own redis-server, stand for three regions as one user's edge sees them: default ${defaultRtt} ms, eu ${euRtt} ms, ap ${apRtt} ms per store round trip; SMS +${smsLatencyMs} ms. The Worker: ${HARNESS_LABEL}.`,
    '- One store: no STORE_REGIONS (every country in the default region). Regional stores: `STORE_REGION_COUNTRIES=eu:GB;ap:AU`, US unmapped.',
    "- A request is 1 store round trip before the SMS, a verify 1: `verify p50 − RTT` is what the Worker and the harness add; the Worker's own time is the answers' `Server-Timing` `worker` span (docs/observability.md), so `verify p50 − (RTT + own time)` is the harness alone (the client, the sockets, a dev proxy). The issue's test: a near region's user is within 10 ms of its region's RTT plus the Worker's own time.",
    '',
    table,
    '',
    "Per country: what regional stores save, and how far the regional verify p50 is from its own region's RTT plus the time the one-store run shows beyond its RTT (the Worker and the harness): near 0 means the user pays its region's round trip and nothing of the far one.",
    '',
    comparison,
  ].join('\n');
  const destination = resultsDestination(values);
  if (destination) {
    writeSection('Regional stores (npm run bench:regions)', body, { file: destination });
    console.log(`bench:regions: written to ${repoPath(destination)}`);
  }
  console.log(body);
}

await main();
