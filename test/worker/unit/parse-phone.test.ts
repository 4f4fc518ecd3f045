import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../../src/phone/parse-phone.ts';

describe('parsePhone', () => {
  it.each([
    ['+1 (415) 555-2671', '+14155552671', 'US'],
    ['+1.415.555.2671', '+14155552671', 'US'],
    ['+14155552671', '+14155552671', 'US'],
    ['+44 20 7946 0958', '+442079460958', 'GB'],
    ['+44 7400 123456', '+447400123456', 'GB'],
    ['+49 151 23456789', '+4915123456789', 'DE'],
    ['  +33 6 12 34 56 78 ', '+33612345678', 'FR'],
  ])('normalises %j to E.164 with its country', (input, e164, country) => {
    expect(parsePhone(input)).toEqual({ ok: true, e164, country });
  });

  it('accepts up to 32 characters, so the length bound alone explains the refusal of longer input', () => {
    const padded = `+1${' '.repeat(16)}(415) 555-2671`;
    expect(padded).toHaveLength(32);
    expect(parsePhone(padded)).toEqual({ ok: true, e164: '+14155552671', country: 'US' });
  });

  it('reports XX as the country of a non-geographic number', () => {
    expect(parsePhone('+800 1234 5678')).toEqual({ ok: true, e164: '+80012345678', country: 'XX' });
  });

  const NOT_INTERNATIONAL =
    'not in international format: + and the country code, then digits (spaces, dashes, dots and brackets may separate them)';
  it.each([
    ['no leading +', '14155552671', NOT_INTERNATIONAL],
    ['an international dialling prefix instead of +', '0014155552671', NOT_INTERNATIONAL],
    ['letters', '+1 415 555 CALL', NOT_INTERNATIONAL],
    ['a vanity number (libphonenumber would turn letters into digits)', '+1-800-FLOWERS', NOT_INTERNATIONAL],
    ['an extension', '+1 415 555 2671 ext 12', NOT_INTERNATIONAL],
    ['an extension in RFC 3966 style', '+14155552671;ext=12', NOT_INTERNATIONAL],
    ['Arabic-Indic digits', '+١٤١٥٥٥٥٢٦٧١', NOT_INTERNATIONAL],
    ['full-width digits', '+１４１５５５５２６７１', NOT_INTERNATIONAL],
    ['an empty string', '', NOT_INTERNATIONAL],
    ['whitespace only', '   ', NOT_INTERNATIONAL],
    ['a + alone', '+', NOT_INTERNATIONAL],
    ['a tab between digits', '+1\t415 555 2671', NOT_INTERNATIONAL],
    [
      '40 characters, even of a valid number',
      `+1${' '.repeat(24)}(415) 555-2671`,
      'too long to be a phone number (at most 32 characters)',
    ],
    ['too few digits', '+1 415', 'too short for country code +1'],
    ['too many digits', '+1 415 555 2671 1234', 'too long for country code +1'],
    ['too few digits for its country', '+33 6 12 34', 'too short for a number in France (+33)'],
    [
      'a number invalid for its country (no US area code starts with 1)',
      '+1 123 456 7890',
      'not a valid number for country code +1',
    ],
    ['an unassigned country code', '+999 1234 5678', 'not a number: no country calling code follows the +'],
  ])('refuses %s, saying what is wrong', (_why, input, problem) => {
    expect(parsePhone(input)).toEqual({ ok: false, problem });
  });
});
