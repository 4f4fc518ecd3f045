/**
 * The two attacks `npm run bench:pumping` plays, each on a fresh stack: pumping into several
 * countries while legitimate users elsewhere sign up, and the same attack while some legitimate
 * users are in one of the attacked countries.
 */
import type { CountryCode } from 'libphonenumber-js/max';

export interface Scenario {
  name: string;
  description: string;
  /** Attack requests in total, spread evenly over the attacked countries. */
  attackRequests: number;
  /** Legitimate users by country. */
  users: Readonly<Partial<Record<CountryCode, number>>>;
  /** The fraction of users that must be served (request 200 and verify 200). */
  servedTarget: number;
}

/** Countries of the legitimate users in both scenarios: none of them is attacked. */
const ELSEWHERE: Readonly<Partial<Record<CountryCode, number>>> = { US: 40, CA: 20, BR: 30, IN: 30 };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'attack elsewhere',
    description: 'legitimate users only in countries the attack does not touch',
    attackRequests: 2_400,
    users: ELSEWHERE,
    servedTarget: 0.99,
  },
  {
    name: 'attack on a country with real users',
    description: 'the same attack; 60 more legitimate users are in GB, one of the attacked countries',
    attackRequests: 2_400,
    users: { ...ELSEWHERE, GB: 60 },
    servedTarget: 0.95,
  },
];

/** Targets with the default configuration (the numbers). */
export const TARGETS = {
  /** SMS to attacked ranges per attack request. */
  attackSmsShare: 0.05,
  /** SMS to one attacked country within an hour (the simulation lasts less than one). */
  attackSmsPerCountryHour: 25,
} as const;
