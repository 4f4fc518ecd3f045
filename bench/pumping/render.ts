/** The "SMS pumping" section of bench/results.md: one block per scenario, PASS/FAIL per target. */
import { markdownTable } from '../report.ts';
import { ATTACK_STRIDE, ATTACKED_COUNTRIES } from './attacked-ranges.ts';
import { ATTACKER_IPV6_SUBNETS } from './client-addresses.ts';
import type { AdversaryTraffic, CallerKind, Scenario, Target, UserTraffic } from './scenarios.ts';
import type { SimulationRecord } from './simulation.ts';
import type { Tally } from './tally.ts';
import { workerSettings } from './worker-settings.ts';

export interface ScenarioResult {
  scenario: Scenario;
  tally: Tally;
  elapsedSeconds: number;
  /** What the adversary's numbers were (for the blocks it held); absent in tests that only tally. */
  record?: Pick<SimulationRecord, 'attackBlocks'>;
}

export interface Verdict {
  target: string;
  measured: string;
  /** undefined: a figure reported without a threshold. */
  pass: boolean | undefined;
}

export function verdicts(result: ScenarioResult): Verdict[] {
  return result.scenario.targets.flatMap((target) => verdictsFor(target, result));
}

function verdictsFor(target: Target, result: ScenarioResult): Verdict[] {
  const { tally, scenario } = result;
  const within = `within ${result.elapsedSeconds.toFixed(0)} s`;
  const perCountry = [...tally.attackSmsByCountry].map(([country, sms]) => `${country} ${sms}`).join(', ');
  const who = scenario.users.abandonShare > 0 ? 'legitimate users who verify' : 'legitimate users';
  switch (target.kind) {
    case 'attack-sms-share':
      return [
        {
          target: `SMS to attacked ranges ≤ ${percent(target.max)} of attack requests`,
          measured: `${tally.attackSms} of ${tally.attackRequests} (${percent(tally.attackSmsShare)})`,
          pass: tally.attackSmsShare <= target.max,
        },
      ];
    case 'attack-sms-per-country-hour':
      return [
        {
          target: `≤ ${target.max} SMS per attacked country per hour`,
          measured: `at most ${tally.maxAttackSmsPerCountry} (${perCountry}) ${within}`,
          pass: tally.maxAttackSmsPerCountry <= target.max,
        },
      ];
    case 'users-served': {
      const list: Verdict[] = [
        {
          target: `≥ ${percent(target.min)} of ${who} served`,
          measured: `${tally.usersServed} of ${tally.usersVerifying} (${percent(tally.usersServedShare)})`,
          pass: tally.usersServedShare >= target.min,
        },
      ];
      // Where users share a country with the attack, they must be served there too, not only on
      // average (said separately only when there are users elsewhere too).
      if (tally.usersByCountry.size > 1)
        for (const [country, [served, verifying]] of tally.usersByCountry) {
          if (!tally.attackSmsByCountry.has(country)) continue;
          list.push({
            target: `≥ ${percent(target.min)} of the ${who} in ${country} (attacked) served`,
            measured: `${served} of ${verifying} (${percent(served / verifying)})`,
            pass: served / verifying >= target.min,
          });
        }
      return list;
    }
    case 'users-not-challenged':
      return [
        {
          target: 'no user asked for a challenge',
          measured: `${tally.usersAsked} of ${tally.users} asked${askedBy(tally)}`,
          pass: tally.usersAsked === 0,
        },
      ];
    case 'report-users-challenged':
      return [
        {
          target: 'users asked for a challenge (reported)',
          measured: `${tally.usersAsked} of ${tally.users} asked${askedBy(tally)}, ${tally.usersSolved} solved it and asked again`,
          pass: undefined,
        },
      ];
    case 'report-attack-bound':
      return [
        {
          target: 'SMS per attacked country per hour, and what bounded them (reported)',
          measured: `at most ${tally.maxAttackSmsPerCountry} (${perCountry}) ${within}; ${tally.attackAsked} of ${tally.attackRequests} requests asked for a challenge, ${tally.attackSolved} solved and sent again; last answers: ${counts(tally.attackRefusals, tally)}`,
          pass: undefined,
        },
      ];
    case 'report-users-served':
      return [
        {
          target: `${who} served (reported)`,
          measured: `${tally.usersServed} of ${tally.usersVerifying} (${percent(tally.usersServedShare)}); ${tally.usersAsked} asked for a challenge`,
          pass: undefined,
        },
      ];
  }
}

function askedBy(tally: Tally): string {
  return tally.usersAskedBy.size === 0
    ? ''
    : ` (${[...tally.usersAskedBy].map(([ask, count]) => `\`${ask}\` ${count}`).join(', ')})`;
}

/** Refusals by count, each with the Retry-After range it carried. */
function counts(map: Map<string, number>, tally: Tally): string {
  if (map.size === 0) return 'none';
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => {
      const range = tally.retryAfter.get(key);
      const retry =
        range === undefined
          ? ''
          : ` (Retry-After ${range.min === range.max ? range.min : `${range.min}–${range.max}`} s)`;
      return `\`${key}\` ${count}${retry}`;
    })
    .join(', ');
}

/** The summary line's verdict: PASS, FAIL (n of m), or "reported" when no target has a threshold. */
export function overallVerdict(result: ScenarioResult): string {
  const judged = verdicts(result).filter((verdict) => verdict.pass !== undefined);
  if (judged.length === 0) return 'reported';
  const failed = judged.filter((verdict) => !verdict.pass).length;
  return failed === 0 ? 'PASS' : `**FAIL** (${failed} of ${judged.length} targets)`;
}

export function renderScenario(
  result: ScenarioResult,
  bucketSeconds: number,
  durationSeconds: number,
): string {
  const { tally, scenario } = result;
  const { adversary } = scenario;
  const role = adversary?.role === 'stranger' ? 'Stranger' : 'Attack';
  return [
    `### ${scenario.name}`,
    '',
    `\`--scenario ${scenario.id}\`: ${scenario.description}. Took ${result.elapsedSeconds.toFixed(1)} s.`,
    '',
    `- Settings: ${describeSettings(scenario)}.`,
    ...(adversary ? [`- ${role}: ${describeAdversary(adversary, result, durationSeconds)}.`] : []),
    `- Users: ${describeUsers(scenario.users, durationSeconds)}.`,
    '',
    markdownTable(
      ['target', 'measured', 'verdict'],
      verdicts(result).map((verdict) => [
        verdict.target,
        verdict.measured,
        verdict.pass === undefined ? 'reported' : verdict.pass ? 'PASS' : '**FAIL**',
      ]),
    ),
    '',
    ...(adversary
      ? [
          `- ${role}: ${tally.attackRequests} requests, ${tally.attackAsked} asked for a challenge, ${tally.attackSolved} solved and sent again, ${tally.attackAccepted} answered 200, ${tally.attackSms} SMS to its numbers in the sandbox (${[...tally.attackSmsByCountry].map(([country, sms]) => `${country} ${sms}`).join(', ')}). Last answers' refusals: ${counts(tally.attackRefusals, tally)}.`,
        ]
      : []),
    `- Legitimate users: ${tally.users}, ${tally.usersAbandoning} of them never verify; ${tally.usersAsked} asked for a challenge${askedBy(tally)}, ${tally.usersSolved} solved it; ${tally.usersRequestOk} requests answered 200; ${tally.usersServed} of the ${tally.usersVerifying} who verify served. Refusals and failures: ${counts(tally.userRefusals, tally)}. By country (served/verifying): ${[
      ...tally.usersByCountry,
    ]
      .map(([country, [served, verifying]]) => `${country} ${served}/${verifying}`)
      .join(', ')}.`,
    `- Messages to numbers nobody in the simulation asked for: ${tally.strayMessages}.`,
    '',
    `Over time (${bucketSeconds} s intervals; users by the time they asked for a code):`,
    '',
    timelineTable(result, bucketSeconds, role),
  ].join('\n');
}

/** Without an attacker or a stranger, its two columns would only hold zeros. */
function timelineTable(result: ScenarioResult, bucketSeconds: number, role: string): string {
  const withAdversary = result.scenario.adversary !== undefined;
  const header = [
    't (s)',
    ...(withAdversary ? [`${role.toLowerCase()} requests`, `${role.toLowerCase()} SMS sent`] : []),
    'users arriving',
    'asked to solve',
    'served',
    'not served',
    'abandoning',
  ];
  return markdownTable(
    header,
    result.tally.timeline.map((row) => [
      `${row.fromSeconds}–${row.fromSeconds + bucketSeconds}`,
      ...(withAdversary ? [row.attackRequests, row.attackSms] : []),
      row.usersArrived,
      row.usersAsked,
      row.usersServed,
      row.usersRefused,
      row.usersAbandoning,
    ]),
  );
}

export function describeSettings(scenario: Scenario): string {
  const settings = workerSettings(scenario);
  const vars = Object.entries(settings.vars).map(([name, value]) => `\`${name}=${value}\``);
  const turnstile = settings.turnstileStandIn
    ? ["`TURNSTILE_SECRET_KEY` Cloudflare's always-passing test secret, siteverify the local stand-in"]
    : ['no Turnstile'];
  return vars.length === 0 && !settings.turnstileStandIn
    ? 'the defaults (no Turnstile)'
    : `the defaults plus ${[...vars, ...turnstile].join(', ')}`;
}

const CALLERS: Record<CallerKind, string> = {
  backend: 'as a backend (API key, the end user in `X-End-User-IP`)',
  'trusted-backend':
    'through a backend that vouches for them (API key, `"trustedUser": true`, `X-End-User-IP`)',
  browser: 'as browsers (no API key, their own `CF-Connecting-IP`)',
};

function seconds(value: number | 'duration', durationSeconds: number): number {
  return value === 'duration' ? durationSeconds : value;
}

function describeAdversary(
  adversary: AdversaryTraffic,
  result: ScenarioResult,
  durationSeconds: number,
): string {
  const start = adversary.window.startSeconds;
  const end = start + seconds(adversary.window.seconds, durationSeconds);
  const blocks = result.record?.attackBlocks;
  const numbers = (() => {
    switch (adversary.numbers.kind) {
      case 'attacked-countries':
        return `numbers in ${ATTACKED_COUNTRIES.map((target) => `${target.country} (${target.blocks.map((block) => `+${block}…`).join(', ')})`).join('; ')}: 1M-number blocks, each walked with a stride of ${ATTACK_STRIDE} (a new 1000-number prefix at every step), countries in turn`;
      case 'spread-blocks': {
        const held = blocks?.get(adversary.numbers.country) ?? [];
        return `numbers in ${adversary.numbers.blocks} 1M-number blocks of ${adversary.numbers.country} drawn across the country (${held
          .slice(0, 4)
          .map((block) => `+${block}…`)
          .join(
            ', ',
          )}, …), walked in turn, each with a stride of ${ATTACK_STRIDE} (a new 1000-number prefix at every step)`;
      }
      case 'users-ranges': {
        const held = [...(blocks?.values() ?? [])].reduce((sum, list) => sum + list.length, 0);
        return `one number in the 1000-number range of each user in turn, another valid mobile than the user's (${held} blocks in all): every send admitted leaves an unverified code in a user's range and block before the user comes, and all of them in the country's count`;
      }
    }
  })();
  return [
    `${adversary.requests} requests ${CALLERS[adversary.caller]}, paced evenly over ${start}–${end} s, at most --concurrency in flight, never verified`,
    adversary.solvesChallenges
      ? 'answers every challenge with a freshly solved token and the same request again'
      : 'never solves a challenge',
    numbers,
    `every number a valid mobile per libphonenumber (max); a fresh address per request: half public IPv4, a quarter IPv6 in ${ATTACKER_IPV6_SUBNETS} /64s, a quarter IPv6 in random /48s`,
  ].join('; ');
}

function describeUsers(users: UserTraffic, durationSeconds: number): string {
  const total = Object.values(users.byCountry).reduce((sum, count) => sum + (count ?? 0), 0);
  const start = users.arrival.startSeconds;
  const end = start + seconds(users.arrival.seconds, durationSeconds);
  const [min, max] = users.verifyDelayMs;
  const abandoning = Math.round(total * users.abandonShare);
  return [
    `${total} (${Object.entries(users.byCountry)
      .map(([country, count]) => `${country} ${count}`)
      .join(', ')}) ${CALLERS[users.caller]}, each from its own address (IPv4 or its own IPv6 /64)`,
    users.arrival.spread === 'even'
      ? `arriving evenly over ${start}–${end} s (one per slot, at a random point in it)`
      : `arriving each at a uniformly random time in ${start}–${end} s`,
    "numbers random valid mobiles across their country, outside the attacker's blocks",
    `read the code from the sandbox inbox and verify it ${min / 1000}–${max / 1000} s later`,
    ...(abandoning > 0 ? [`${percent(users.abandonShare)} (${abandoning}) never verify`] : []),
    users.caller === 'browser'
      ? 'asked for a challenge, they solve it and send the same request again (once)'
      : 'a backend caller is never asked for a challenge',
    'served = request 200 (after the challenge, if any) and verify 200',
  ].join('; ');
}

export function percent(share: number): string {
  const value = share * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} %`;
}
