// `max`, like number-kind.ts: one metadata set in the bundle instead of two (docs/phone-metadata.md).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneParseResult =
  | {
      ok: true;
      e164: string;
      /** ISO 3166-1 alpha-2, e.g. 'US'; 'XX' for non-geographic codes such as +800. */
      country: string;
    }
  | { ok: false };

// Longer than any real number with generous spacing (E.164 allows 15 digits); a bound before the
// library ever sees the input.
const MAX_INPUT_LENGTH = 32;
// ASCII only: `\d` would also match Arabic-Indic and other Unicode digits, which libphonenumber would
// quietly translate, so the number a user typed and the number we text could look different.
const INTERNATIONAL_SHAPE = /^\+[0-9 ().-]+$/;
const SEPARATORS = /[ ().-]/g;

const REFUSED: PhoneParseResult = { ok: false };

/** Accepts a number that starts with `+` and a country code; spaces, dashes, dots and parentheses allowed between digits; anything else (letters, no +, too short/long, invalid for its country) is refused. */
export function parsePhone(input: string): PhoneParseResult {
  const trimmed = input.trim();
  if (trimmed.length > MAX_INPUT_LENGTH || !INTERNATIONAL_SHAPE.test(trimmed)) return REFUSED;
  // `extract: false`: the whole string must be the number, not merely contain one.
  const parsed = parsePhoneNumberFromString(trimmed.replace(SEPARATORS, ''), { extract: false });
  if (parsed === undefined || !parsed.isValid()) return REFUSED;
  return { ok: true, e164: parsed.number, country: parsed.country ?? 'XX' };
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
