import { classifyNumberKind } from '../../../src/phone/number-kind.ts';
import { parsePhone } from '../../../src/phone/parse-phone.ts';

/**
 * Phone numbers placed in the fraud guard's cells on purpose: a block is the E.164 number without
 * its last 6 digits, a range without its last 3 (src/otp/number-cells.ts).
 */

/** A number the service would text: valid, of this country, of a kind that takes SMS. */
function textable(e164: string, country: string): boolean {
  const parsed = parsePhone(e164);
  return parsed.ok && parsed.country === country && classifyNumberKind(e164).kind === 'allowed';
}

let blockCursor = Math.floor(Math.random() * 400);

/**
 * `count` British mobile blocks (`+447ABC`), each a different block, never handed out twice in one
 * run, so every test file starts from blocks no other test has touched.
 */
export function freshBritishBlocks(count: number): string[] {
  const blocks: string[] = [];
  for (let tried = 0; tried < 600 && blocks.length < count; tried += 1) {
    blockCursor = (blockCursor + 1) % 600;
    const block = `+447${400 + blockCursor}`;
    // Some British blocks are shared with the Crown Dependencies at finer grain: sample across it.
    const samples = Array.from({ length: 10 }, (_, digit) => `${block}${String(digit).repeat(6)}`);
    if ([...samples, `${block}123456`].every((sample) => textable(sample, 'GB'))) blocks.push(block);
  }
  if (blocks.length < count) throw new Error(`only ${blocks.length} British mobile blocks found`);
  return blocks;
}

/** The `index`-th number of a block, in range `range` (0-999) of it. */
export function numberInBlock(block: string, range: number, index: number): string {
  return `${block}${String(range).padStart(3, '0')}${String(index).padStart(3, '0')}`;
}

let rangeCursor = Math.floor(Math.random() * 800);

/** A fresh US range (`+1415EEEL`, 1,000 numbers) and a way to number inside it. */
export function freshUsRange(): { range: string; number: (index: number) => string } {
  rangeCursor = (rangeCursor + 1) % 8000;
  const exchange = 200 + Math.floor(rangeCursor / 10);
  const range = `+1415${exchange}${rangeCursor % 10}`;
  return { range, number: (index) => `${range}${String(index).padStart(3, '0')}` };
}

let frenchCounter = 0;

/** A valid, unique French mobile number (+33 6 ...). */
export function frenchMobile(): string {
  for (;;) {
    frenchCounter += 1;
    const digits = (Date.now() * 13 + frenchCounter * 7919 + Math.floor(Math.random() * 1e6)) % 1e8;
    const number = `+336${String(digits).padStart(8, '0')}`;
    if (textable(number, 'FR')) return number;
  }
}
