import { classifyNumberKind } from '../../../src/phone/number-kind.ts';
import { parsePhone } from '../../../src/phone/parse-phone.ts';
import { scriptedBySandbox } from './stack.ts';

/**
 * Phone numbers placed in the fraud guard's cells on purpose: a block is the E.164 number without
 * its last 6 digits, a range without its last 3 (src/otp/number-cells.ts).
 */

/** A number the service would text: valid, of this country, of a kind that takes SMS. */
function textable(e164: string, country: string): boolean {
  const parsed = parsePhone(e164);
  return parsed.ok && parsed.country === country && classifyNumberKind(e164).kind === 'allowed';
}

/** Candidate blocks per country (a block is the E.164 number without its last 6 digits). */
const BLOCK_CANDIDATES: Record<string, string[]> = {
  GB: Array.from({ length: 600 }, (_, index) => `+447${400 + index}`),
  FR: Array.from({ length: 200 }, (_, index) => `+33${600 + index}`),
  US: ['415', '212', '310', '617', '206', '312', '512', '303', '404', '713'].flatMap((area) =>
    [2, 3, 4, 5, 6, 7, 8, 9].map((digit) => `+1${area}${digit}`),
  ),
};

const blockCursors = new Map<string, number>();

/**
 * `count` blocks of one country (`GB`, `FR`, `US`), each different and never handed out twice in
 * one test file, every number of which the service would text.
 */
export function freshBlocks(country: string, count: number): string[] {
  const candidates = BLOCK_CANDIDATES[country] ?? [];
  let cursor = blockCursors.get(country) ?? Math.floor(Math.random() * candidates.length);
  const blocks: string[] = [];
  for (let tried = 0; tried < candidates.length && blocks.length < count; tried += 1) {
    cursor = (cursor + 1) % candidates.length;
    const block = candidates[cursor] as string;
    // Some blocks are shared with other countries at finer grain (the Crown Dependencies in +447,
    // overseas departments in +336/+337): sample across the block.
    const samples = Array.from({ length: 10 }, (_, digit) => `${block}${String(digit).repeat(6)}`);
    if ([...samples, `${block}123456`].every((sample) => textable(sample, country))) blocks.push(block);
  }
  blockCursors.set(country, cursor);
  if (blocks.length < count) throw new Error(`only ${blocks.length} fresh ${country} blocks found`);
  return blocks;
}

/** `count` British mobile blocks (`+447ABC`). */
export function freshBritishBlocks(count: number): string[] {
  return freshBlocks('GB', count);
}

/** The `index`-th number of a block, in range `range` (0-999) of it. */
export function numberInBlock(block: string, range: number, index: number): string {
  return `${block}${String(range).padStart(3, '0')}${String(index).padStart(3, '0')}`;
}

let rangeCursor = Math.floor(Math.random() * 800);

/**
 * A fresh US range (`+1415EEEL`, 1,000 numbers) and a way to number inside it. Never a range with
 * L = 0: its numbers `…0000` and `…0001` are the sandbox's failing numbers, which other test files
 * text as `+1415EEE0000` (their SMS would land in this range's sandbox inbox and skew its counts).
 */
export function freshUsRange(): { range: string; number: (index: number) => string } {
  rangeCursor = (rangeCursor + 1) % 8000;
  if (rangeCursor % 10 === 0) rangeCursor += 1;
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
    if (textable(number, 'FR') && !scriptedBySandbox(number)) return number;
  }
}

const FAILING_SMS_AREAS = ['415', '212', '310', '617', '206', '312', '512', '303', '404', '713'];

/**
 * A number whose SMS the Plivo sandbox reports failed (it ends 0000) and whose phone answers calls.
 * The sandbox's inbox is shared by the whole run, so the free digits (area code and exchange: 7,000
 * numbers) are drawn at random rather than from one area code, where two test files drawing a few
 * dozen such numbers would often meet and read each other's calls.
 */
export function failingSmsNumber(): string {
  for (;;) {
    const area = FAILING_SMS_AREAS[Math.floor(Math.random() * FAILING_SMS_AREAS.length)] as string;
    const candidate = `+1${area}${200 + Math.floor(Math.random() * 800)}0000`;
    if (textable(candidate, 'US')) return candidate;
  }
}
