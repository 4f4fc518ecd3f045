import { base64url as joseBase64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { base64url, fromBase64url } from '../../../src/otp/base64url.ts';

/** Deterministic bytes (a small LCG): every length and many bit patterns, the same on every run. */
function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('base64url', () => {
  it('encodes as jose does (RFC 4648 §5, no padding), for every length up to 300', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = bytesOf(length, length + 1);
      expect(base64url(bytes), `length ${length}`).toBe(joseBase64url.encode(bytes));
    }
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
  });

  it('decodes what it encodes, and what jose encodes', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = bytesOf(length, 7 * length + 3);
      expect(fromBase64url(base64url(bytes)), `length ${length}`).toEqual(bytes);
      expect(fromBase64url(joseBase64url.encode(bytes)), `length ${length}`).toEqual(bytes);
    }
  });

  it('refuses padding, the standard alphabet, other characters and impossible lengths', () => {
    for (const text of ['QQ==', 'a+b/', 'ab c', 'abc\n', 'aé', 'abcde', 'a', '€€']) {
      expect(fromBase64url(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});
