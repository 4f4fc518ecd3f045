/**
 * The attacker's side of SMS pumping: a few 1M-number blocks per country (what a pumping partner
 * sells is a handful of ranges), walked sequentially with a stride so that consecutive requests land
 * in different 1000-number prefixes and a per-prefix limit sees only a few of them.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface AttackedCountry {
  country: string;
  /** E.164 digits (no +) that, followed by 6 more digits, give a block of 1,000,000 mobile numbers. */
  blocks: readonly string[];
}

/** Every block was checked: all the stride's numbers in it are valid MOBILE numbers per libphonenumber (max). */
export const ATTACKED_COUNTRIES: readonly AttackedCountry[] = [
  { country: 'GB', blocks: ['447400', '447801', '447432'] },
  { country: 'DE', blocks: ['4915112', '4917623', '4916098'] },
  { country: 'FR', blocks: ['33612', '33745', '33678'] },
  { country: 'NG', blocks: ['2348031', '2348062', '2349012'] },
  { country: 'ID', blocks: ['628123', '628577'] },
  { country: 'PK', blocks: ['923001', '923334'] },
];

const BLOCK_SIZE = 1_000_000;
/** Coprime with 10^6, so the walk visits every number of a block once; > 1000, so each step changes prefix. */
export const ATTACK_STRIDE = 1_001;

/**
 * The attacker's `count` numbers for one country: block after block in turn, each walked from 0 by
 * ATTACK_STRIDE. A number libphonenumber does not call a valid mobile of that country is skipped (the
 * service would refuse it as invalid or unsupported, which measures nothing); the walk is bounded.
 */
export function attackNumbers(target: AttackedCountry, count: number): string[] {
  const numbers: string[] = [];
  const steps = target.blocks.map(() => 0);
  const maxSteps = count * 4 + 100;
  for (let attempt = 0; numbers.length < count && attempt < maxSteps; attempt++) {
    const blockIndex = attempt % target.blocks.length;
    const step = steps[blockIndex] ?? 0;
    steps[blockIndex] = step + 1;
    const suffix = String((step * ATTACK_STRIDE) % BLOCK_SIZE).padStart(6, '0');
    const candidate = `+${target.blocks[blockIndex]}${suffix}`;
    if (isMobileOf(candidate, target.country)) numbers.push(candidate);
  }
  if (numbers.length < count)
    throw new Error(`only ${numbers.length} valid mobile numbers in the ${target.country} blocks`);
  return numbers;
}

/** A valid number of `country` that libphonenumber's full metadata types as mobile. */
export function isMobileOf(e164: string, country: string): boolean {
  const parsed = parsePhoneNumberFromString(e164, { extract: false });
  if (!parsed?.isValid() || parsed.country !== country || parsed.number !== e164) return false;
  const type = parsed.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** Whether `e164` lies in one of `targets`' blocks (legitimate users are drawn outside the attacker's). */
export function inBlocksOf(targets: readonly AttackedCountry[], e164: string): boolean {
  return targets.some((target) =>
    target.blocks.some((block) => e164.startsWith(`+${block}`) && e164.length === block.length + 7),
  );
}

/** Whether `e164` lies in one of the six countries' attacked blocks. */
export function inAttackedBlock(e164: string): boolean {
  return inBlocksOf(ATTACKED_COUNTRIES, e164);
}

/** The block of a number: its E.164 digits without the + and the last 6 digits. */
export function blockOf(e164: string): string {
  return e164.slice(1, -6);
}

/** The 1000-number range of a number: its E.164 digits without the + and the last 3 digits. */
export function rangeOf(e164: string): string {
  return e164.slice(1, -3);
}
