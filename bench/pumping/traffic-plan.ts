/**
 * Who calls, when, with which number and from which address, for one scenario: decided up front
 * from the seed, before any request, so two runs (before and after a change) face the same traffic
 * and test/local/bench-pumping-traffic.test.ts can check its shape without a stack. For the two
 * original scenarios the draws come in the same order as before this module existed, so a seed
 * still gives the same attack and the same users.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { classifyNumberKind } from '../../src/phone/number-kind.ts';
import {
  ATTACKED_COUNTRIES,
  type AttackedCountry,
  attackNumbers,
  blockOf,
  inAttackedBlock,
  inBlocksOf,
  isMobileOf,
  rangeOf,
} from './attacked-ranges.ts';
import { attackerAddresses, userAddresses } from './client-addresses.ts';
import { legitimateNumberSource } from './legitimate-numbers.ts';
import type { AdversaryTraffic, Scenario } from './scenarios.ts';
import { type SeededRandom, seededRandom } from './seeded-random.ts';

export interface PlannedAdversaryCall {
  /** When it is due, ms from the simulation's start. */
  dueMs: number;
  country: string;
  phone: string;
  ip: string;
}

export interface PlannedUser {
  /** When the user asks for a code, ms from the simulation's start. */
  arriveMs: number;
  country: string;
  phone: string;
  ip: string;
  /** From the code reaching the inbox to the user's verify. */
  verifyDelayMs: number;
  /** Asks for a code and never verifies it. */
  abandons: boolean;
}

export interface TrafficPlan {
  /** The attacker's or stranger's requests, by due time; empty without one. */
  adversary: PlannedAdversaryCall[];
  /** Its numbers by country: an SMS to one of them is its SMS. */
  adversaryNumbersByCountry: Map<string, string[]>;
  /** The 1M-number blocks its numbers lie in, by country (E.164 digits without the last 6). */
  adversaryBlocks: Map<string, string[]>;
  users: PlannedUser[];
  /** When the last thing planned is over at the latest (last arrival + longest verify delay), ms. */
  spanMs: number;
}

export interface PlanOptions {
  /** What `seconds: 'duration'` means: the run's --duration. */
  durationSeconds: number;
  seed: number;
}

/** How long an arrival window lasts, ms. */
export function windowMs(seconds: number | 'duration', options: PlanOptions): number {
  return (seconds === 'duration' ? options.durationSeconds : seconds) * 1000;
}

export function planTraffic(scenario: Scenario, options: PlanOptions): TrafficPlan {
  const random = seededRandom(options.seed);
  const usedAddresses = new Set<string>();
  const attacker = attackerAddresses(random, usedAddresses);
  const userAddress = userAddresses(random, usedAddresses);
  const { adversary } = scenario;

  // Blocks first: users are drawn outside them.
  const spreadTargets =
    adversary?.numbers.kind === 'spread-blocks'
      ? [
          {
            country: adversary.numbers.country,
            blocks: spreadBlocks(adversary.numbers.country, adversary.numbers.blocks, random),
          },
        ]
      : [];
  const legitimateNumber = legitimateNumberSource(
    random,
    (e164) => inAttackedBlock(e164) || inBlocksOf(spreadTargets, e164),
  );

  // The adversary's requests before the users' (the original order of draws), except for a
  // stranger aiming at the users' ranges, who needs their numbers first.
  const aimsAtUsers = adversary?.numbers.kind === 'users-ranges';
  let adversaryCalls: PlannedAdversaryCall[] = [];
  let adversaryNumbersByCountry = new Map<string, string[]>();
  if (adversary && !aimsAtUsers) {
    const targets = adversary.numbers.kind === 'spread-blocks' ? spreadTargets : ATTACKED_COUNTRIES;
    ({ calls: adversaryCalls, numbersByCountry: adversaryNumbersByCountry } = planAdversary(
      adversary,
      targets,
      () => attacker.next(),
      options,
    ));
  }

  const users = planUsers(scenario, options, random, legitimateNumber, userAddress);

  if (adversary && aimsAtUsers) {
    const numbers = numbersInUsersRanges(users, adversary.requests, random);
    const start = adversary.window.startSeconds * 1000;
    const span = windowMs(adversary.window.seconds, options);
    adversaryCalls = numbers.map((phone, index) => ({
      dueMs: start + (index * span) / numbers.length,
      country: users[index % users.length]?.country ?? '',
      phone,
      ip: attacker.next(),
    }));
    adversaryNumbersByCountry = groupByCountry(adversaryCalls);
  }

  const adversaryBlocks = new Map<string, string[]>();
  for (const [country, numbers] of adversaryNumbersByCountry)
    adversaryBlocks.set(country, [...new Set(numbers.map(blockOf))]);

  const lastAdversaryMs = adversaryCalls.at(-1)?.dueMs ?? 0;
  const lastUserMs = Math.max(0, ...users.map((user) => user.arriveMs + user.verifyDelayMs));
  return {
    adversary: adversaryCalls,
    adversaryNumbersByCountry,
    adversaryBlocks,
    users,
    spanMs: Math.max(lastAdversaryMs, lastUserMs),
  };
}

/** Requests paced evenly over the window, countries in turn, each country's numbers in order. */
function planAdversary(
  adversary: AdversaryTraffic,
  targets: readonly AttackedCountry[],
  nextAddress: () => string,
  options: PlanOptions,
): { calls: PlannedAdversaryCall[]; numbersByCountry: Map<string, string[]> } {
  const perCountry = Math.ceil(adversary.requests / targets.length);
  const numbersByCountry = new Map(
    targets.map((target) => [target.country, attackNumbers(target, perCountry)]),
  );
  const start = adversary.window.startSeconds * 1000;
  const span = windowMs(adversary.window.seconds, options);
  const calls = Array.from({ length: adversary.requests }, (_, index) => {
    const country = targets[index % targets.length]?.country ?? '';
    const phone = numbersByCountry.get(country)?.[Math.floor(index / targets.length)] ?? '';
    return { dueMs: start + (index * span) / adversary.requests, country, phone, ip: nextAddress() };
  });
  return { calls, numbersByCountry };
}

function planUsers(
  scenario: Scenario,
  options: PlanOptions,
  random: SeededRandom,
  legitimateNumber: (country: CountryCode) => string,
  userAddress: () => string,
): PlannedUser[] {
  const { users } = scenario;
  const [delayMin, delayMax] = users.verifyDelayMs;
  const drawn = shuffled(
    Object.entries(users.byCountry).flatMap(([country, count]) =>
      Array.from({ length: count ?? 0 }, () => ({
        country,
        phone: legitimateNumber(country as CountryCode),
        ip: userAddress(),
        verifyDelayMs: delayMin + random.below(delayMax - delayMin),
      })),
    ),
    random,
  );
  const start = users.arrival.startSeconds * 1000;
  const span = windowMs(users.arrival.seconds, options);
  const planned = drawn.map((user, index) => ({
    ...user,
    // Even: one slot each, at a random point in it; uniform: anywhere in the window.
    arriveMs:
      start +
      (users.arrival.spread === 'even'
        ? ((index + random.next()) * span) / drawn.length
        : random.next() * span),
    abandons: false,
  }));
  const abandoning = Math.round(planned.length * users.abandonShare);
  if (abandoning > 0)
    for (const index of shuffled(
      planned.map((_, index) => index),
      random,
    ).slice(0, abandoning)) {
      const user = planned[index];
      if (user) user.abandons = true;
    }
  return planned.sort((a, b) => a.arriveMs - b.arriveMs);
}

/**
 * `count` numbers, one in the 1000-number range of each user in turn (so also in its block), each a
 * valid mobile of the user's country that is nobody's number and was not drawn before.
 */
export function numbersInUsersRanges(
  users: readonly { country: string; phone: string }[],
  count: number,
  random: SeededRandom,
): string[] {
  if (users.length === 0) throw new Error('a stranger aiming at users needs users');
  const taken = new Set(users.map((user) => user.phone));
  const numbers: string[] = [];
  for (let index = 0; index < count; index++) {
    const user = users[index % users.length];
    if (!user) break;
    const phone = drawInRange(rangeOf(user.phone), user.country, taken, random);
    taken.add(phone);
    numbers.push(phone);
  }
  return numbers;
}

const MAX_DRAWS_IN_RANGE = 2_000;

function drawInRange(range: string, country: string, taken: Set<string>, random: SeededRandom): string {
  for (let draw = 0; draw < MAX_DRAWS_IN_RANGE; draw++) {
    const candidate = `+${range}${String(random.below(1000)).padStart(3, '0')}`;
    if (
      !taken.has(candidate) &&
      isMobileOf(candidate, country) &&
      classifyNumberKind(candidate).kind === 'allowed'
    )
      return candidate;
  }
  throw new Error(`no other valid mobile number in the range +${range}…`);
}

const MAX_DRAWS_PER_BLOCK = 200;

/**
 * `count` distinct 1M-number blocks of `country`, each the block of a valid mobile number drawn
 * across the whole country (as a user's is), none of them one of the six countries' attacked blocks.
 */
export function spreadBlocks(country: CountryCode, count: number, random: SeededRandom): string[] {
  const draw = legitimateNumberSource(random);
  const blocks = new Set<string>();
  for (let attempt = 0; blocks.size < count && attempt < count * MAX_DRAWS_PER_BLOCK; attempt++)
    blocks.add(blockOf(draw(country)));
  if (blocks.size < count) throw new Error(`only ${blocks.size} blocks of ${country} found`);
  return [...blocks];
}

function groupByCountry(calls: readonly PlannedAdversaryCall[]): Map<string, string[]> {
  const byCountry = new Map<string, string[]>();
  for (const call of calls) byCountry.set(call.country, [...(byCountry.get(call.country) ?? []), call.phone]);
  return byCountry;
}

function shuffled<T>(items: T[], random: SeededRandom): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = random.below(index + 1);
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}
