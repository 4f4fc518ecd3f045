import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhoneNumbers } from '../../../src/phone/mask-phone.ts';

describe('phone numbers in free text (a provider error) are masked like a logged number', () => {
  it('masks a number however the provider wrote it, keeping the country code and last two digits', () => {
    expect(maskPhone('+14155552671')).toBe('+14*******71');
    expect(maskPhoneNumbers('dst +14155552671 is not allowed')).toBe('dst +14*******71 is not allowed');
    expect(maskPhoneNumbers('to 14155552671 refused')).toBe('to 14*******71 refused');
    expect(maskPhoneNumbers('number +1 415-555-2671.')).toBe('number +14*******71.');
    expect(maskPhoneNumbers('a,+447700900123;b')).toBe('a,+44********23;b');
  });

  it('leaves short runs alone: status and error codes, sequence numbers, lengths', () => {
    const text = 'error 450 (HTTP 400) after 200 characters, sequence 3, code 30';
    expect(maskPhoneNumbers(text)).toBe(text);
  });
});
