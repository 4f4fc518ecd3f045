import { getExampleNumber } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { classifyNumberKind } from '../../../src/phone/number-kind.ts';

// Google's example numbers for each kind (resources/PhoneNumberMetadata.xml); libphonenumber-js
// ships only the mobile ones.
describe('classifyNumberKind', () => {
  it.each(['US', 'GB', 'DE', 'IN', 'FR'] as const)('allows the mobile example number of %s', (country) => {
    const example = getExampleNumber(country, mobileExamples);
    expect(example).toBeDefined();
    expect(classifyNumberKind(example?.number ?? '')).toEqual({ kind: 'allowed' });
  });

  it('allows the mobile example number of every country in the metadata', () => {
    const refused = Object.keys(mobileExamples)
      .map(
        (country) => getExampleNumber(country as keyof typeof mobileExamples, mobileExamples)?.number ?? '',
      )
      .filter((e164) => classifyNumberKind(e164).kind === 'refused');
    expect(refused).toEqual([]);
  });

  it.each([
    ['+12015550123', 'any US number'],
    ['+917410410123', 'the Indian fixed-line example'],
  ])('allows %s, in a range where fixed line and mobile cannot be told apart (%s)', (e164) => {
    expect(classifyNumberKind(e164)).toEqual({ kind: 'allowed' });
  });

  it.each([
    ['+442079460958', 'FIXED_LINE'],
    ['+441212345678', 'FIXED_LINE'],
    ['+4930123456', 'FIXED_LINE'],
    ['+33123456789', 'FIXED_LINE'],
    ['+449012345678', 'PREMIUM_RATE'],
    ['+19002345678', 'PREMIUM_RATE'],
    ['+499001234567', 'PREMIUM_RATE'],
    ['+33891123456', 'PREMIUM_RATE'],
    ['+18002345678', 'TOLL_FREE'],
    ['+448001234567', 'TOLL_FREE'],
    ['+911800123456', 'TOLL_FREE'],
    ['+445612345678', 'VOIP'],
    ['+33912345678', 'VOIP'],
    ['+4918012345', 'SHARED_COST'],
    ['+33884012345', 'SHARED_COST'],
    ['+447012345678', 'PERSONAL_NUMBER'],
    ['+15002345678', 'PERSONAL_NUMBER'],
    ['+447640123456', 'PAGER'],
    ['+445512345678', 'UAN'],
    ['+49177991234567', 'VOICEMAIL'],
  ] as const)('refuses %s as %s', (e164, kind) => {
    expect(classifyNumberKind(e164)).toEqual({ kind: 'refused', numberType: kind });
  });

  it('lets through a number the metadata cannot type, leaving validity to parsePhone', () => {
    expect(classifyNumberKind('+99912345678')).toEqual({ kind: 'allowed' });
  });
});
