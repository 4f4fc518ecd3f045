import { describe, expect, it } from 'vitest';
import { generateCode } from '../../../src/otp/generate-code.ts';
import { cryptoRandom, type RandomSource } from '../../../src/otp/ports.ts';

/** Hands out the given bytes in order, then zeros: lets a test decide every draw. */
function scriptedRandom(script: readonly number[]): RandomSource {
  let next = 0;
  return {
    fill(bytes) {
      for (let i = 0; i < bytes.length; i += 1) {
        bytes[i] = script[next] ?? 0;
        next += 1;
      }
    },
  };
}

/** 0, 1, ..., 255, 0, 1, ...: every byte value equally often, with no randomness to blame. */
function cyclingBytes(): RandomSource {
  let next = 0;
  return {
    fill(bytes) {
      for (let i = 0; i < bytes.length; i += 1) {
        bytes[i] = next % 256;
        next += 1;
      }
    },
  };
}

function digitCounts(digits: Iterable<string>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const digit of digits) counts[Number(digit)] = (counts[Number(digit)] ?? 0) + 1;
  return counts;
}

/** Pearson's chi-square statistic against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

const SAMPLE_DIGITS = 200_000;
/** Chi-square critical value for 9 degrees of freedom at p = 0.001: a uniform source exceeds it once in 1000 runs. */
const CHI_SQUARE_CRITICAL_9_DOF = 27.88;

function manyDigits(random: RandomSource): string {
  let digits = '';
  while (digits.length < SAMPLE_DIGITS) digits += generateCode(10, random);
  return digits;
}

describe('generateCode', () => {
  it('returns exactly the requested number of digits for every length from 4 to 10', () => {
    for (let length = 4; length <= 10; length += 1) {
      expect(generateCode(length, cryptoRandom)).toHaveLength(length);
    }
  });

  it.each([3, 11, 0, -6, 6.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses length %s with a RangeError instead of issuing a weak or odd code',
    (length) => {
      expect(() => generateCode(length, cryptoRandom)).toThrow(RangeError);
    },
  );

  it('contains ASCII digits only', () => {
    for (let i = 0; i < 1000; i += 1) expect(generateCode(8, cryptoRandom)).toMatch(/^[0-9]{8}$/);
  });

  it('keeps leading zeros (the code is a string, not a number)', () => {
    expect(generateCode(6, scriptedRandom([]))).toBe('000000');
    expect(generateCode(4, scriptedRandom([0, 0, 7, 3]))).toBe('0073');
  });

  it('discards bytes 250..255, the ones that would favour the digits 0..5', () => {
    expect(generateCode(4, scriptedRandom([255, 250, 7, 251, 1, 252, 2, 253, 254, 3]))).toBe('7123');
  });

  it('keeps 249, the largest byte below the cut-off', () => {
    expect(generateCode(4, scriptedRandom([249, 249, 249, 249]))).toBe('9999');
  });

  it('draws again when a whole batch of bytes is rejected', () => {
    expect(generateCode(4, scriptedRandom([...new Array<number>(40).fill(255), 1, 2, 3, 4]))).toBe('1234');
  });

  it('shows no modulo bias: 200,000 digits from Web Crypto pass a chi-square test at p = 0.001', () => {
    const counts = digitCounts(manyDigits(cryptoRandom));
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_CRITICAL_9_DOF);
  });

  it('turns a perfectly even byte stream into even digits', () => {
    const counts = digitCounts(manyDigits(cyclingBytes()));
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_CRITICAL_9_DOF);
  });

  it('has a bias check with teeth: plain byte % 10 on the same even byte stream fails it', () => {
    const stream = cyclingBytes();
    const bytes = new Uint8Array(SAMPLE_DIGITS);
    stream.fill(bytes);
    const counts = digitCounts(Array.from(bytes, (byte) => String(byte % 10)));
    expect(chiSquare(counts)).toBeGreaterThan(CHI_SQUARE_CRITICAL_9_DOF);
  });
});
