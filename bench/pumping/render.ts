/** The "SMS pumping" section of bench/results.md: one block per scenario, PASS/FAIL per target. */
import { markdownTable } from '../report.ts';
import { type Scenario, TARGETS } from './scenarios.ts';
import type { Tally } from './tally.ts';

export interface ScenarioResult {
  scenario: Scenario;
  tally: Tally;
  elapsedSeconds: number;
}

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

export function verdicts(result: ScenarioResult): Verdict[] {
  const { tally, scenario } = result;
  const list: Verdict[] = [
    {
      target: `SMS to attacked ranges ≤ ${percent(TARGETS.attackSmsShare)} of attack requests`,
      measured: `${tally.attackSms} of ${tally.attackRequests} (${percent(tally.attackSmsShare)})`,
      pass: tally.attackSmsShare <= TARGETS.attackSmsShare,
    },
    {
      target: `≤ ${TARGETS.attackSmsPerCountryHour} SMS per attacked country per hour`,
      measured: `at most ${tally.maxAttackSmsPerCountry} (${[...tally.attackSmsByCountry].map(([country, sms]) => `${country} ${sms}`).join(', ')}) within ${result.elapsedSeconds.toFixed(0)} s`,
      pass: tally.maxAttackSmsPerCountry <= TARGETS.attackSmsPerCountryHour,
    },
    {
      target: `≥ ${percent(scenario.servedTarget)} of legitimate users served`,
      measured: `${tally.usersServed} of ${tally.users} (${percent(tally.usersServedShare)})`,
      pass: tally.usersServedShare >= scenario.servedTarget,
    },
  ];
  // Where users share a country with the attack, they must be served there too, not only on average.
  for (const [country, [served, users]] of tally.usersByCountry) {
    if (!tally.attackSmsByCountry.has(country)) continue;
    list.push({
      target: `≥ ${percent(scenario.servedTarget)} of the legitimate users in ${country} (attacked) served`,
      measured: `${served} of ${users} (${percent(served / users)})`,
      pass: served / users >= scenario.servedTarget,
    });
  }
  return list;
}

export function renderScenario(result: ScenarioResult, bucketSeconds: number): string {
  const { tally, scenario } = result;
  const counts = (map: Map<string, number>) =>
    map.size === 0
      ? 'none'
      : [...map]
          .sort((a, b) => b[1] - a[1])
          .map(([key, count]) => `\`${key}\` ${count}`)
          .join(', ');
  return [
    `### ${scenario.name}`,
    '',
    `${scenario.attackRequests} attack requests over ${[...tally.attackSmsByCountry.keys()].join(', ')}; ${tally.users} legitimate users (${Object.entries(
      scenario.users,
    )
      .map(([country, count]) => `${country} ${count}`)
      .join(', ')}): ${scenario.description}. Took ${result.elapsedSeconds.toFixed(1)} s.`,
    '',
    markdownTable(
      ['target', 'measured', 'verdict'],
      verdicts(result).map((verdict) => [
        verdict.target,
        verdict.measured,
        verdict.pass ? 'PASS' : '**FAIL**',
      ]),
    ),
    '',
    `- Attack: ${tally.attackRequests} requests, ${tally.attackAccepted} answered 200, ${tally.attackSms} SMS to attacked numbers in the sandbox. Refusals: ${counts(tally.attackRefusals)}.`,
    `- Legitimate users: ${tally.usersRequestOk} of ${tally.users} requests answered 200, ${tally.usersServed} verified (served). Refusals and failures: ${counts(tally.userRefusals)}. By country (served/users): ${[
      ...tally.usersByCountry,
    ]
      .map(([country, [served, users]]) => `${country} ${served}/${users}`)
      .join(', ')}.`,
    `- Messages to numbers nobody in the simulation asked for: ${tally.strayMessages}.`,
    '',
    `Over time (${bucketSeconds} s intervals; users by the time they asked for a code):`,
    '',
    markdownTable(
      ['t (s)', 'attack requests', 'attack SMS sent', 'users arriving', 'served', 'not served'],
      tally.timeline.map((row) => [
        `${row.fromSeconds}–${row.fromSeconds + bucketSeconds}`,
        row.attackRequests,
        row.attackSms,
        row.usersArrived,
        row.usersServed,
        row.usersRefused,
      ]),
    ),
  ].join('\n');
}

export function percent(share: number): string {
  const value = share * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} %`;
}
