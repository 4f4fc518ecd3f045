/**
 * `npm run bench:pumping`: an SMS-pumping attack against the Worker in its default configuration,
 * on the real local stack, with legitimate users interleaved. Each scenario (bench/pumping/scenarios.ts)
 * runs on a fresh stack, so one cannot pollute the next. Reports SMS sent to the attacked ranges
 * (counted by the Plivo sandbox), legitimate users served, both over time, and PASS/FAIL against
 * each target; writes the "SMS pumping" section of bench/results.md.
 *
 *   npm run bench:pumping -- [--duration 40] [--concurrency 16] [--seed 1]
 *     [--store-latency-ms 20] [--sms-latency-ms 60] [--section "SMS pumping"] [--no-write]
 *
 * A benchmark, not a test: it exits 0 whatever the verdicts (1 only if it could not run).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ATTACK_STRIDE, ATTACKED_COUNTRIES } from './pumping/attacked-ranges.ts';
import { ATTACKER_IPV6_SUBNETS } from './pumping/client-addresses.ts';
import { startDefaultStack } from './pumping/default-stack.ts';
import { percent, renderScenario, type ScenarioResult, verdicts } from './pumping/render.ts';
import { SCENARIOS } from './pumping/scenarios.ts';
import { simulate } from './pumping/simulation.ts';
import { tally } from './pumping/tally.ts';
import { machineLines, writeSection } from './report.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    'store-latency-ms': { type: 'string', default: '20' },
    'sms-latency-ms': { type: 'string', default: '60' },
    section: { type: 'string', default: 'SMS pumping' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

function integer(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${text}`);
  return value;
}

const durationSeconds = integer(values.duration, '--duration', 5, 600);
const concurrency = integer(values.concurrency, '--concurrency', 1, 64);
const seed = integer(values.seed, '--seed', 0, 2 ** 32 - 1);
const storeLatencyMs = integer(values['store-latency-ms'], '--store-latency-ms', 0, 1000);
const smsLatencyMs = integer(values['sms-latency-ms'], '--sms-latency-ms', 0, 5000);
if (!values.section.startsWith('SMS pumping')) throw new Error('--section must start with "SMS pumping"');
const BUCKET_SECONDS = 5;

async function main() {
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  let redisVersion = 'unknown';
  for (const scenario of SCENARIOS) {
    console.log(`pumping: "${scenario.name}": starting a fresh stack…`);
    const stack = await startDefaultStack({ storeLatencyMs, smsLatencyMs });
    try {
      redisVersion = await stack.redisVersion();
      stack.markStart();
      const record = await simulate(
        scenario,
        { workerUrl: stack.workerUrl, sandboxUrl: stack.sandboxUrl, apiKey: stack.apiKey },
        { durationSeconds, concurrency, seed },
      );
      // Messages still in flight to the sandbox when the last answer came back are counted too.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const result = {
        scenario,
        tally: tally(record, stack.sentSms(), BUCKET_SECONDS),
        elapsedSeconds: record.elapsedMs / 1000,
      };
      results.push(result);
      for (const verdict of verdicts(result))
        console.log(`pumping: ${verdict.pass ? 'PASS' : 'FAIL'} ${verdict.target}: ${verdict.measured}`);
    } finally {
      await stack.stop();
    }
  }

  const markdown = render(results, startedAt, redisVersion);
  console.log(`\n${markdown}`);
  if (!values['no-write']) {
    writeSection(values.section, markdown);
    console.log(`pumping: wrote the "${values.section}" section of bench/results.md`);
  }
}

function render(results: ScenarioResult[], startedAt: Date, redisVersion: string): string {
  const argv = process.argv.slice(2).map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg));
  return [
    `Run ${startedAt.toISOString()} with \`npm run bench:pumping${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\` at commit ${commit()}.`,
    '',
    ...machineLines(redisVersion),
    "- Configuration: the Worker's defaults, `[env.dev]` of wrangler.toml as `npm run dev` runs it (`ALLOWED_COUNTRIES=*`, every limit at its default); the harness adds only secrets, a sender and `API_KEYS`, and calls as a backend with `X-End-User-IP`. A fresh stack (new Redis) per scenario; store +" +
      `${storeLatencyMs} ms and SMS +${smsLatencyMs} ms per request, as in \`npm run bench\`.`,
    `- Attack: ${ATTACKED_COUNTRIES.map((target) => `${target.country} (${target.blocks.map((block) => `+${block}…`).join(', ')})`).join('; ')}: 1M-number blocks, each walked with a stride of ${ATTACK_STRIDE} (a new 1000-number prefix at every step), countries in turn; every number a valid mobile per libphonenumber (max); a fresh address per request: half public IPv4, a quarter IPv6 in ${ATTACKER_IPV6_SUBNETS} /64s, a quarter IPv6 in random /48s; paced evenly over ${durationSeconds} s, at most ${concurrency} in flight; never verified.`,
    `- Legitimate users: arrive evenly over the same ${durationSeconds} s, each from its own address (IPv4 or its own IPv6 /64) with a random valid mobile number drawn across its whole country (outside the attacker's blocks), read the code from the sandbox inbox and verify 1–5 s later. Served = request 200 and verify 200. Seed ${seed}.`,
    '- SMS counts are the Plivo sandbox\'s accepted messages (ground truth, every one, through its `onMessage` hook); the sim lasts less than an hour, so "per hour" is the whole run.',
    '',
    summaryTable(results),
    '',
    ...results.flatMap((result) => [renderScenario(result, BUCKET_SECONDS), '']),
  ].join('\n');
}

function summaryTable(results: ScenarioResult[]): string {
  const header =
    '| scenario | attack requests | attack SMS | share | max per country | users served | verdict |';
  const rows = results.map((result) => {
    const { tally: t } = result;
    const all = verdicts(result);
    const failed = all.filter((verdict) => !verdict.pass).length;
    return `| ${result.scenario.name} | ${t.attackRequests} | ${t.attackSms} | ${percent(t.attackSmsShare)} | ${t.maxAttackSmsPerCountry} | ${t.usersServed}/${t.users} (${percent(t.usersServedShare)}) | ${failed === 0 ? 'PASS' : `**FAIL** (${failed} of ${all.length} targets)`} |`;
  });
  return [header, '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Which Worker was measured: the last commit that changed it, and the harness's own commit. */
function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const worker = git('log', '-1', '--format=%h', '--', 'src', 'wrangler.toml');
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'wrangler.toml') !== '';
    return `\`${worker}\` (the last commit that changed src/ or wrangler.toml${dirty ? ', plus uncommitted changes to them' : ''}; harness at \`${head}\`)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

main().catch((error: unknown) => {
  console.error(`pumping: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
