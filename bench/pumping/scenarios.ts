/**
 * What `npm run bench:pumping` plays, each scenario on a fresh stack: pumping (the attacker's side
 * and the users it must not cost), flash crowds (users who must not be mistaken for an attack),
 * a stranger trying to lock users out, and an attacker who pays for every challenge. A scenario is
 * data: the Worker settings it changes, who calls and how (caller kind, arrivals, verify delay,
 * abandon share), and the targets it is judged by.
 */
import type { CountryCode } from 'libphonenumber-js/max';

/** How a simulated caller reaches the Worker. */
export type CallerKind =
  /** A backend with an API key naming its end user in `X-End-User-IP`; the bot check never applies to it. */
  | 'backend'
  /** The same backend vouching for its user: `"trustedUser": true` in the request body. */
  | 'trusted-backend'
  /** A page calling the API itself: no Authorization; its address is its own `CF-Connecting-IP`. */
  | 'browser';

/** Where the attacker's or the stranger's numbers come from. */
export type AdversaryNumbers =
  /** The six countries' few 1M-number blocks of attacked-ranges.ts (ATTACKED_COUNTRIES), in turn. */
  | { kind: 'attacked-countries' }
  /** `blocks` 1M-number blocks of one country, drawn across it, walked in turn like the above. */
  | { kind: 'spread-blocks'; country: CountryCode; blocks: number }
  /** Another number in the 1000-number range of each legitimate user in turn (so also in its block). */
  | { kind: 'users-ranges' };

export interface AdversaryTraffic {
  /** Only a label: an attacker pumps, a stranger tries to lock users out. */
  role: 'attacker' | 'stranger';
  requests: number;
  numbers: AdversaryNumbers;
  caller: Exclude<CallerKind, 'trusted-backend'>;
  /**
   * Whether it answers a challenge (`403 challenge_required`) with a freshly solved Turnstile token
   * and the same request again, as a solving service sells them; otherwise the refusal stands.
   */
  solvesChallenges: boolean;
  /** Paced evenly from `startSeconds` over `seconds` (`duration`: the run's --duration), a fresh address each. */
  window: { startSeconds: number; seconds: number | 'duration' };
}

export interface UserTraffic {
  byCountry: Readonly<Partial<Record<CountryCode, number>>>;
  caller: CallerKind;
  /**
   * `even`: one user per equal slot of the window, at a random point in it (the original
   * scenarios); `uniform`: each user at an independent uniform time in the window (a crowd).
   */
  arrival: { spread: 'even' | 'uniform'; startSeconds: number; seconds: number | 'duration' };
  /** After the code reaches the inbox, the user types it this many ms later: uniform in [min, max). */
  verifyDelayMs: readonly [min: number, max: number];
  /** The share of users who ask for a code and never verify it (rounded to a whole number of users). */
  abandonShare: number;
}

/** What a scenario is judged by; `report` targets have no threshold and only state a figure. */
export type Target =
  /** SMS to the adversary's numbers per adversary request, at most. */
  | { kind: 'attack-sms-share'; max: number }
  /** SMS to the adversary's numbers in one country within the run (less than an hour), at most. */
  | { kind: 'attack-sms-per-country-hour'; max: number }
  /** Share of the users who verify that were served (also per country the adversary shares with them). */
  | { kind: 'users-served'; min: number }
  /** No user was asked for a challenge. */
  | { kind: 'users-not-challenged' }
  /** How many users were asked for a challenge and solved it. */
  | { kind: 'report-users-challenged' }
  /** SMS per attacked country and the refusal scopes that bounded them. */
  | { kind: 'report-attack-bound' }
  /** Users served, without a threshold (a scenario about the attacker). */
  | { kind: 'report-users-served' };

export interface Scenario {
  /** For `--scenario`: kebab-case, stable. */
  id: string;
  /** The heading in bench/results.md. */
  name: string;
  description: string;
  /** Worker vars over `[env.dev]`'s (e.g. FRAUD_GUARD_EXPECTED), set on this scenario's fresh stack. */
  workerVars: Readonly<Record<string, string>>;
  /**
   * `pressure`: the Turnstile stand-in with Cloudflare's always-passing test secret, a site key,
   * this Worker's host allowed, and `TURNSTILE_MODE=pressure` (a browser is asked for a challenge
   * only when the guard would refuse it). `off`: no Turnstile, as `[env.dev]`.
   */
  turnstile: 'off' | 'pressure';
  adversary: AdversaryTraffic | undefined;
  users: UserTraffic;
  targets: readonly Target[];
}

/** Countries of the legitimate users in the original scenarios: none of them is attacked. */
const ELSEWHERE: Readonly<Partial<Record<CountryCode, number>>> = { US: 40, CA: 20, BR: 30, IN: 30 };

/** The original attack: 2,400 requests over the six countries' blocks, from a fresh address each, never verified. */
const PUMPING: AdversaryTraffic = {
  role: 'attacker',
  requests: 2_400,
  numbers: { kind: 'attacked-countries' },
  caller: 'backend',
  solvesChallenges: false,
  window: { startSeconds: 0, seconds: 'duration' },
};

/** The original users: arriving evenly over the attack, verifying 1-5 s after the code arrives. */
const USERS_DURING_ATTACK: Omit<UserTraffic, 'byCountry'> = {
  caller: 'backend',
  arrival: { spread: 'even', startSeconds: 0, seconds: 'duration' },
  verifyDelayMs: [1_000, 5_000],
  abandonShare: 0,
};

/**
 * A flash crowd (a launch, a push notification): 150 users within 20 s, reading the SMS and typing
 * the code 8-30 s later, 15 % never finishing. Arriving at 7.5 a second and each holding an
 * unverified code for about 19 s, it holds up to about 140 at once, before any conversion shows;
 * the 23 who abandon never free theirs.
 */
const CROWD: Omit<UserTraffic, 'byCountry' | 'caller'> = {
  arrival: { spread: 'uniform', startSeconds: 0, seconds: 20 },
  verifyDelayMs: [8_000, 30_000],
  abandonShare: 0.15,
};
const CROWD_SIZE = 150;

/**
 * The stranger's lockout, the strongest cheap one we could design: 100 requests in 10 s from
 * rotating addresses, one into the 1000-number range (and so the block) of each user who will
 * come, never verified; then those 100 users arrive over 60 s. One unverified send in every
 * user's range and block makes all of their cells dirty at once and fills the country's count with
 * the same requests. The stranger solves every challenge it is asked for: 100 solved tokens cost
 * about $0.10-0.30 at solving-service prices, so a challenge alone is no way through for users if
 * the stranger can fill the budget behind it.
 */
const STRANGER: Omit<AdversaryTraffic, 'caller'> = {
  role: 'stranger',
  requests: 100,
  numbers: { kind: 'users-ranges' },
  solvesChallenges: true,
  window: { startSeconds: 0, seconds: 10 },
};
const USERS_AFTER_STRANGER: Omit<UserTraffic, 'byCountry'> = {
  caller: 'browser',
  arrival: { spread: 'uniform', startSeconds: 10, seconds: 60 },
  verifyDelayMs: [8_000, 30_000],
  abandonShare: 0,
};

/** Declared hourly volume for the home market: a crowd of about 600/4 = 150 unverified codes at once. */
const US_DECLARED = { FRAUD_GUARD_EXPECTED: 'US:600' } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'attack-elsewhere',
    name: 'attack elsewhere',
    description: 'legitimate users only in countries the attack does not touch',
    workerVars: {},
    turnstile: 'off',
    adversary: PUMPING,
    users: { ...USERS_DURING_ATTACK, byCountry: ELSEWHERE },
    targets: [
      { kind: 'attack-sms-share', max: 0.05 },
      { kind: 'attack-sms-per-country-hour', max: 25 },
      { kind: 'users-served', min: 0.99 },
    ],
  },
  {
    id: 'attack-with-users',
    name: 'attack on a country with real users',
    description: 'the same attack; 60 more legitimate users are in GB, one of the attacked countries',
    workerVars: {},
    turnstile: 'off',
    adversary: PUMPING,
    users: { ...USERS_DURING_ATTACK, byCountry: { ...ELSEWHERE, GB: 60 } },
    targets: [
      { kind: 'attack-sms-share', max: 0.05 },
      { kind: 'attack-sms-per-country-hour', max: 25 },
      { kind: 'users-served', min: 0.95 },
    ],
  },
  {
    id: 'crowd-declared',
    name: 'flash crowd in a declared country',
    description:
      'a launch in the home market the operator declared (US, 600 codes an hour): browser users, Turnstile in pressure mode so that any challenge shows; nobody should be asked',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: undefined,
    users: { ...CROWD, caller: 'browser', byCountry: { US: CROWD_SIZE } },
    targets: [{ kind: 'users-served', min: 0.99 }, { kind: 'users-not-challenged' }],
  },
  {
    id: 'crowd-undeclared',
    name: 'flash crowd in an undeclared country',
    description:
      'the same crowd in GB, which the operator did not declare, with Turnstile in pressure mode: browser users solve the challenge when asked and send the same request again',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: undefined,
    users: { ...CROWD, caller: 'browser', byCountry: { GB: CROWD_SIZE } },
    targets: [{ kind: 'users-served', min: 0.99 }, { kind: 'report-users-challenged' }],
  },
  {
    id: 'crowd-trusted',
    name: 'flash crowd vouched for by a backend',
    description:
      'the same crowd in GB (undeclared) through a backend that marks its users trusted (API key, `"trustedUser": true`, `X-End-User-IP`)',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: undefined,
    users: { ...CROWD, caller: 'trusted-backend', byCountry: { GB: CROWD_SIZE } },
    targets: [{ kind: 'users-served', min: 1 }, { kind: 'users-not-challenged' }],
  },
  {
    id: 'lockout-declared',
    name: 'lockout by a stranger in a declared country',
    description:
      'a stranger (solving any challenge) puts one never-verified request into the range of each of 100 US users (declared, 600 an hour), then they arrive as browsers; Turnstile in pressure mode so that any challenge shows: they should be served without one',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: { ...STRANGER, caller: 'browser' },
    users: { ...USERS_AFTER_STRANGER, byCountry: { US: 100 } },
    targets: [{ kind: 'users-served', min: 0.99 }, { kind: 'users-not-challenged' }],
  },
  {
    id: 'lockout-undeclared',
    name: 'lockout by a stranger in an undeclared country',
    description:
      'the same stranger against 100 GB users (undeclared), Turnstile in pressure mode: users get through by solving a challenge, which the stranger solves too',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: { ...STRANGER, caller: 'browser' },
    users: { ...USERS_AFTER_STRANGER, byCountry: { GB: 100 } },
    targets: [{ kind: 'users-served', min: 0.99 }, { kind: 'report-users-challenged' }],
  },
  {
    id: 'pumping-home-market',
    name: 'pumping a declared home market',
    description:
      'the original attack size aimed at the declared home market (US, 600 an hour) across 120 of its blocks, from browsers that never solve a challenge, while 100 US users keep arriving and solve one when asked',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: {
      ...PUMPING,
      numbers: { kind: 'spread-blocks', country: 'US', blocks: 120 },
      caller: 'browser',
    },
    users: {
      caller: 'browser',
      byCountry: { US: 100 },
      arrival: { spread: 'uniform', startSeconds: 0, seconds: 'duration' },
      verifyDelayMs: [8_000, 30_000],
      abandonShare: 0,
    },
    targets: [
      { kind: 'attack-sms-share', max: 0.1 },
      { kind: 'users-served', min: 0.99 },
      { kind: 'report-users-challenged' },
    ],
  },
  {
    id: 'attacker-solves',
    name: 'attacker who solves every challenge',
    description:
      'the original attack from browsers that buy a solved token for every challenge and send the request again, Turnstile in pressure mode, none of the attacked countries declared; the original users elsewhere, as browsers that solve when asked',
    workerVars: US_DECLARED,
    turnstile: 'pressure',
    adversary: { ...PUMPING, caller: 'browser', solvesChallenges: true },
    users: { ...USERS_DURING_ATTACK, caller: 'browser', byCountry: ELSEWHERE },
    targets: [{ kind: 'report-attack-bound' }, { kind: 'report-users-served' }],
  },
];

/** The scenarios `--scenario` names (by id or by name), in the order of SCENARIOS; all when none is named. */
export function selectScenarios(names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...SCENARIOS];
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.id === name || s.name === name));
  if (unknown.length > 0)
    throw new Error(
      `unknown --scenario ${unknown.join(', ')}; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  return SCENARIOS.filter((s) => names.includes(s.id) || names.includes(s.name));
}
