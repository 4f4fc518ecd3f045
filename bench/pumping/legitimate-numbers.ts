/**
 * Legitimate users' numbers: random valid mobile numbers spread over a whole country (every digit
 * after the first national one is drawn), never in an attacker's block, never drawn twice.
 */

import type { CountryCode } from 'libphonenumber-js/max';
import { getExampleNumber } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { classifyNumberKind } from '../../src/phone/number-kind.ts';
import { inAttackedBlock, isMobileOf } from './attacked-ranges.ts';
import type { SeededRandom } from './seeded-random.ts';

const MAX_DRAWS_PER_NUMBER = 20_000;

/** `avoid`: numbers users never get (default: the six countries' attacked blocks). */
export function legitimateNumberSource(
  random: SeededRandom,
  avoid: (e164: string) => boolean = inAttackedBlock,
): (country: CountryCode) => string {
  const drawn = new Set<string>();
  return (country) => {
    const example = getExampleNumber(country, mobileExamples);
    if (!example) throw new Error(`no example mobile number for ${country}`);
    const national = example.nationalNumber;
    // The US and Canada share +1 and have no mobile-only ranges: draw the area code too.
    const kept = example.countryCallingCode === '1' ? '' : national.slice(0, 1);
    for (let draw = 0; draw < MAX_DRAWS_PER_NUMBER; draw++) {
      let digits = kept;
      while (digits.length < national.length) digits += String(random.below(10));
      const candidate = `+${example.countryCallingCode}${digits}`;
      if (
        !drawn.has(candidate) &&
        !avoid(candidate) &&
        isMobileOf(candidate, country) &&
        classifyNumberKind(candidate).kind === 'allowed'
      ) {
        drawn.add(candidate);
        return candidate;
      }
    }
    throw new Error(`no valid mobile number for ${country} in ${MAX_DRAWS_PER_NUMBER} draws`);
  };
}
