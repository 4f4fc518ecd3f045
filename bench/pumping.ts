/**
 * `npm run bench:pumping`: SMS pumping, flash crowds and lockouts against the Worker in its default
 * configuration plus what each scenario changes (bench/pumping/scenarios.ts), on the real local
 * stack. Each scenario runs on a fresh stack, so one cannot pollute the next. Reports SMS sent to
 * the attacked ranges (counted by the Plivo sandbox), legitimate users served and challenged, both
 * over time, and PASS/FAIL against each target; writes the "SMS pumping" section of
 * bench/results.local.md (untracked), or with `--write` of the tracked bench/results.md.
 *
 *   npm run bench:pumping -- [--duration 40] [--concurrency 16] [--seed 1]
 *     [--store-latency-ms 20] [--sms-latency-ms 60] [--section "SMS pumping"] [--write | --no-write]
 *     [--scenario <id or name>]...
 *
 * `--duration` paces the attacks (and the users who arrive during one); a crowd's or a lockout's
 * own windows (20 s, 10 s + 60 s) are the scenario's. `--scenario` (repeatable) runs a subset.
 * A benchmark, not a test: it exits 0 whatever the verdicts (1 only if it could not run).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { type DefaultStack, startDefaultStack } from './pumping/default-stack.ts';
import { overallVerdict, percent, renderScenario, type ScenarioResult, verdicts } from './pumping/render.ts';
import { type Scenario, selectScenarios } from './pumping/scenarios.ts';
import { simulate } from './pumping/simulation.ts';
import { tally } from './pumping/tally.ts';
import { workerSettings } from './pumping/worker-settings.ts';
import { machineLines, repoPath, resultsDestination, writeSection } from './report.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    'store-latency-ms': { type: 'string', default: '20' },
    'sms-latency-ms': { type: 'string', default: '60' },
    section: { type: 'string', default: 'SMS pumping' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true, default: [] },
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
const scenarios: Scenario[] = selectScenarios(values.scenario);
const BUCKET_SECONDS = 5;

async function main() {
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  let redisVersion = 'unknown';
  for (const scenario of scenarios) {
    console.log(`pumping: "${scenario.name}": starting a fresh stack…`);
    const stack = await startStack(scenario);
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
        record,
      };
      results.push(result);
      for (const verdict of verdicts(result)) {
        const label = verdict.pass === undefined ? 'REPORT' : verdict.pass ? 'PASS' : 'FAIL';
        console.log(`pumping: ${label} ${verdict.target}: ${verdict.measured}`);
      }
    } finally {
      await stack.stop();
    }
  }

  const markdown = render(results, startedAt, redisVersion);
  console.log(`\n${markdown}`);
  const destination = resultsDestination(values);
  if (destination) {
    writeSection(values.section, markdown, { file: destination });
    console.log(`pumping: wrote the "${values.section}" section of ${repoPath(destination)}`);
  }
}

const STACK_START_ATTEMPTS = 3;

/**
 * A fresh stack for the scenario. The free port `wrangler dev` is given is only free when it is
 * chosen: on a machine shared with other runs another process can take it first ("Address already
 * in use"), so a failed start is tried again, a bounded number of times.
 */
async function startStack(scenario: Scenario): Promise<DefaultStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDefaultStack({ storeLatencyMs, smsLatencyMs, settings: workerSettings(scenario) });
    } catch (error) {
      if (attempt >= STACK_START_ATTEMPTS) throw error;
      const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      console.log(
        `pumping: the stack did not start (${reason}); trying again (${attempt + 1} of ${STACK_START_ATTEMPTS})`,
      );
    }
  }
}

function render(results: ScenarioResult[], startedAt: Date, redisVersion: string): string {
  const argv = process.argv.slice(2).map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg));
  return [
    `Run ${startedAt.toISOString()} with \`npm run bench:pumping${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\` at commit ${commit()}.`,
    '',
    ...machineLines(redisVersion),
    '- Configuration: the Worker\'s defaults, `[env.dev]` of wrangler.toml as `npm run dev` runs it (`ALLOWED_COUNTRIES=*`, every limit at the production default: the per-client limits `[env.dev]` raises for exploring are put back), plus what each scenario changes (its "Settings" line); the harness adds only secrets, a sender and `API_KEYS`. A fresh stack (new Redis) per scenario; store +' +
      `${storeLatencyMs} ms and SMS +${smsLatencyMs} ms per request, as in \`npm run bench\`.`,
    "- Callers: a backend sends its API key and names the end user in `X-End-User-IP`; a browser sends no key and its own `CF-Connecting-IP`, which `wrangler dev` passes through to the Worker as Cloudflare would set it. Asked for a challenge (`403 challenge_required` with a Turnstile site key, or `403 captcha_failed` for a missing token where every browser request needs one), a user solves it: the same request again with a fresh token solved on the Worker's host for `otp-request`, which the local siteverify stand-in passes once.",
    `- Attacks are paced over --duration ${durationSeconds} s, at most ${concurrency} requests in flight; a crowd's or a lockout's windows are the scenario's own. Seed ${seed}: the same traffic in every run.`,
    '- SMS counts are the Plivo sandbox\'s accepted messages (ground truth, every one, through its `onMessage` hook); the sim lasts less than an hour, so "per hour" is the whole run.',
    '',
    summaryTable(results),
    '',
    ...results.flatMap((result) => [renderScenario(result, BUCKET_SECONDS, durationSeconds), '']),
  ].join('\n');
}

function summaryTable(results: ScenarioResult[]): string {
  const header =
    '| scenario | attack/stranger requests | their SMS | share | max per country | users served (of those who verify) | users asked to solve | verdict |';
  const rows = results.map((result) => {
    const { tally: t, scenario } = result;
    const adversary =
      scenario.adversary === undefined
        ? ['–', '–', '–', '–']
        : [t.attackRequests, t.attackSms, percent(t.attackSmsShare), t.maxAttackSmsPerCountry];
    return `| ${scenario.name} | ${adversary.join(' | ')} | ${t.usersServed}/${t.usersVerifying} (${percent(t.usersServedShare)}) | ${t.usersAsked}/${t.users} | ${overallVerdict(result)} |`;
  });
  return [header, '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
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
