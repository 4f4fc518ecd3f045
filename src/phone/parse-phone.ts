// `max`, like number-kind.ts: one metadata set in the bundle instead of two (docs/phone-metadata.md).
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';

export type PhoneParseResult =
  | {
      ok: true;
      e164: string;
      /** ISO 3166-1 alpha-2, e.g. 'US'; 'XX' for non-geographic codes such as +800. */
      country: string;
    }
  /** `problem`: what is wrong, as the end of "This phone number is …" (`too short for +1 (US)`). */
  | { ok: false; problem: string };

// Longer than any real number with generous spacing (E.164 allows 15 digits); a bound before the
// library ever sees the input.
const MAX_INPUT_LENGTH = 32;
// ASCII only: `\d` would also match Arabic-Indic and other Unicode digits, which libphonenumber would
// quietly translate, so the number a user typed and the number we text could look different.
const INTERNATIONAL_SHAPE = /^\+[0-9 ().-]+$/;
const SEPARATORS = /[ ().-]/g;

const NOT_INTERNATIONAL =
  'not in international format: + and the country code, then digits (spaces, dashes, dots and brackets may separate them)';

/**
 * Accepts a number that starts with `+` and a country code; spaces, dashes, dots and parentheses
 * allowed between digits. Anything else is refused with what is wrong, from libphonenumber's own
 * verdict: not international, no such country code, too short or too long for its country code, or
 * the right length but no valid number for its country (an unallocated area code or range).
 */
export function parsePhone(input: string): PhoneParseResult {
  const trimmed = input.trim();
  if (trimmed.length > MAX_INPUT_LENGTH)
    return { ok: false, problem: `too long to be a phone number (at most ${MAX_INPUT_LENGTH} characters)` };
  if (!INTERNATIONAL_SHAPE.test(trimmed)) return { ok: false, problem: NOT_INTERNATIONAL };
  const digits = trimmed.replace(SEPARATORS, '');
  // `extract: false`: the whole string must be the number, not merely contain one.
  const parsed = parsePhoneNumberFromString(digits, { extract: false });
  if (parsed?.isValid()) return { ok: true, e164: parsed.number, country: parsed.country ?? 'XX' };
  return { ok: false, problem: whatIsWrong(digits, parsed?.countryCallingCode, parsed?.country) };
}

function whatIsWrong(digits: string, callingCode: string | undefined, country: string | undefined): string {
  // `for a number in France (+33)`, `for country code +1` (shared by several countries), or nothing.
  const where = country
    ? ` for a number in ${countryName(country)} (+${callingCode})`
    : callingCode
      ? ` for country code +${callingCode}`
      : '';
  switch (validatePhoneNumberLength(digits)) {
    case 'NOT_A_NUMBER':
      return NOT_INTERNATIONAL;
    case 'INVALID_COUNTRY':
      return 'not a number: no country calling code follows the +';
    case 'TOO_SHORT':
      return `too short${where}`;
    case 'TOO_LONG':
      return `too long${where}`;
    case 'INVALID_LENGTH':
      return `not of a valid length${where}`;
    default:
      // The right length, but no such area code or range.
      return `not a valid number${where}`;
  }
}

/** `United States`; the code itself where the runtime has no name for it. */
function countryName(country: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/**
 * The country a number's calling code points to, valid or not: for configured test numbers, which
 * are often in ranges reserved for fiction that the metadata calls invalid (UK 07700 900xxx is
 * GB). `XX` when none.
 */
export function countryOfNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164, { extract: false });
  return parsed?.country ?? parsed?.getPossibleCountries()[0] ?? 'XX';
}
