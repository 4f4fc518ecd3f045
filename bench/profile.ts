/**
 * `npm run bench:profile`: where the Worker's CPU goes, per endpoint. The production build
 * unminified (same code, readable names, esbuild's module comments) in the lean harness
 * (bench/lean/), a V8 CPU profile through workerd's inspector over a batch of calls to each
 * endpoint, and the self time per call by module and by function.
 *
 *   npm run bench:profile -- [--calls 300] [--top 25] [--write | --no-write]
 *
 * The profiler's own cost inflates every figure alike (sampling every 100 µs); the shares are what
 * to read, the CPU per call comes from `npm run bench`.
 */
import { parseArgs } from 'node:util';
import { findFreePort } from '../local/support/processes.ts';
import { clientIpFor, numberSource, pool, runFlow } from './flows.ts';
import { buildWorkerBundle } from './lean/build-bundle.ts';
import { breakDown, type CpuProfile, openProfiler, packageOf } from './lean/cpu-profile.ts';
import { leanEndpoints, withLeanStack } from './lean/lean-bench.ts';
import { machineLines, markdownTable, repoPath, resultsDestination, writeSection } from './report.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '300' },
    top: { type: 'string', default: '25' },
    section: { type: 'string', default: 'Lean harness: CPU profile' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const calls = Number(values.calls);
const top = Number(values.top);
const CONCURRENCY = 2;

async function main() {
  console.log('bench:profile: building the production bundle unminified…');
  const [otpEdge, hello] = await Promise.all([
    buildWorkerBundle({ minify: false }),
    buildWorkerBundle({ config: 'bench/hello-worker/wrangler.toml', minify: true }),
  ]);
  const inspectorPort = await findFreePort();
  const profiles = await withLeanStack(
    { otpEdge, hello, storeLatencyMs: 20, smsLatencyMs: 60, inspectorPort },
    async ({ target }) => {
      const nextNumber = numberSource(800_000);
      let ip = 2_000_000;
      // Verified flows first: the fraud guard's range budget grows with them (FRAUD_GUARD_CREDIT),
      // so the batch of requests below stays inside it.
      await pool(calls + 20, CONCURRENCY, () => runFlow(target, nextNumber(), clientIpFor(ip++)));
      const profiler = await openProfiler(inspectorPort, 'otp-edge');
      const endpoints = leanEndpoints(target, () => clientIpFor(ip++), nextNumber, CONCURRENCY);
      const taken: { endpoint: string; profile: CpuProfile }[] = [];
      const profile = async (endpoint: string, call: (index: number) => Promise<boolean>) => {
        await profiler.start();
        const ok = await pool(calls, CONCURRENCY, call);
        taken.push({ endpoint, profile: await profiler.stop() });
        console.log(`bench:profile: ${endpoint}: ${ok.filter(Boolean).length}/${calls} as expected`);
      };
      await profile('GET /health', endpoints.health);
      const requested = await endpoints.prepareRequests(calls);
      await profile('POST /otp/request', requested.request);
      await profile('POST /otp/verify', await requested.readCodes());
      profiler.close();
      return taken;
    },
  );
  const source = otpEdge.source();
  const sections: string[] = [
    `Run with \`npm run bench:profile${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
    '',
    ...machineLines('(a throwaway redis-server)', 'the Worker in workerd through Miniflare (lean harness)'),
    `- The production build unminified (\`wrangler deploy --dry-run --minify=false\`) in the lean harness; ${calls} calls per endpoint at concurrency ${CONCURRENCY}; V8's sampling profiler through workerd's inspector (Miniflare \`inspectorPort\`), every 100 µs. Self time per call: the samples whose top frame is in that module or function, divided by the calls; \`(native)\` frames are the runtime's own (Web Crypto, fetch, JSON, regular expressions, GC). Profiling slows everything down alike: read the shares.`,
  ];
  for (const { endpoint, profile } of profiles) {
    const breakdown = breakDown(profile, source);
    const perCall = (ms: number) => (ms / calls).toFixed(3);
    const busy = breakdown.totalMs - breakdown.idleMs;
    const packages = new Map<string, number>();
    for (const row of breakdown.byModule)
      packages.set(packageOf(row.module), (packages.get(packageOf(row.module)) ?? 0) + row.ms);
    sections.push(
      '',
      `#### ${endpoint}: ${perCall(busy)} ms of samples per call outside idle`,
      '',
      markdownTable(
        ['package or module (self time)', 'ms / call', 'share'],
        [...packages]
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([name, ms]) => [name, perCall(ms), `${((100 * ms) / busy).toFixed(1)} %`]),
      ),
      '',
      markdownTable(
        ['function (self time)', 'ms / call'],
        breakdown.byFunction.slice(0, top).map((row) => [`\`${row.name}\``, perCall(row.ms)]),
      ),
      '',
      markdownTable(
        ['module on the stack (inclusive)', 'ms / call'],
        breakdown.inclusiveByModule
          .filter((row) => !row.module.startsWith('(native)'))
          .slice(0, top)
          .map((row) => [row.module, perCall(row.ms)]),
      ),
    );
  }
  const markdown = sections.join('\n');
  console.log(`\n${markdown}`);
  const file = resultsDestination(values);
  if (file) {
    writeSection(values.section, markdown, { file });
    console.log(`bench:profile: wrote ${repoPath(file)} (${values.section})`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
