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

  it.each([
    ['no leading +', '14155552671'],
    ['an international dialling prefix instead of +', '0014155552671'],
    ['letters', '+1 415 555 CALL'],
    ['a vanity number (libphonenumber would turn letters into digits)', '+1-800-FLOWERS'],
    ['an extension', '+1 415 555 2671 ext 12'],
    ['an extension in RFC 3966 style', '+14155552671;ext=12'],
    ['Arabic-Indic digits', '+١٤١٥٥٥٥٢٦٧١'],
    ['full-width digits', '+１４１５５５５２６７１'],
    ['an empty string', ''],
    ['whitespace only', '   '],
    ['a + alone', '+'],
    ['a tab between digits', '+1\t415 555 2671'],
    ['40 characters, even of a valid number', `+1${' '.repeat(24)}(415) 555-2671`],
    ['too few digits', '+1 415'],
    ['too many digits', '+1 415 555 2671 1234'],
    ['a number invalid for its country (no US area code starts with 1)', '+1 123 456 7890'],
    ['an unassigned country code', '+999 1234 5678'],
  ])('refuses %s', (_why, input) => {
    expect(parsePhone(input)).toEqual({ ok: false });
  });
});
