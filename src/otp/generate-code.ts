import type { RandomSource } from './ports.ts';

/** Shortest and longest codes we issue: the range Twilio Verify accepts. NIST SP 800-63B asks for 6 or more. */
export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 10;

// 250 = 25 * 10 is the largest multiple of 10 that fits in a byte. Bytes 250..255 would make the
// digits 0..5 slightly likelier than 6..9 under `byte % 10` (CVE-2018-1000620), so they are drawn again.
const REJECT_FROM = 250;

/** A code of exactly `length` decimal digits (leading zeros kept), uniform: rejection sampling, no modulo bias. */
export function generateCode(length: number, random: RandomSource): string {
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH) {
    throw new RangeError(
      `code length must be an integer from ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH}, got ${length}`,
    );
  }
  let code = '';
  // A few spare bytes per draw: about 2.3 % of bytes are rejected, so one fill nearly always suffices.
  const bytes = new Uint8Array(length + 4);
  while (code.length < length) {
    random.fill(bytes);
    for (const byte of bytes) {
      if (byte >= REJECT_FROM) continue;
      code += String(byte % 10);
      if (code.length === length) break;
    }
  }
  return code;
}
