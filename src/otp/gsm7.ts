// GSM 03.38 default alphabet and its extension table (extension characters take two septets).
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';

const basicSet = new Set(BASIC);
const extensionSet = new Set(EXTENSION);

/** Septets the text needs in GSM-7, or undefined when one character forces UCS-2. */
export function gsm7Length(text: string): number | undefined {
  let septets = 0;
  for (const char of text) {
    if (basicSet.has(char)) septets += 1;
    else if (extensionSet.has(char)) septets += 2;
    else return undefined;
  }
  return septets;
}

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** What one SMS text costs: its encoding, the units it takes in it, and the segments billed. */
export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets in GSM-7; UTF-16 code units in UCS-2 (a character outside the BMP takes two). */
  units: number;
  segments: number;
}

/**
 * A single segment holds 160 septets or 70 UCS-2 units; a longer text is split into parts that
 * each lose room to the concatenation header (153 septets, 67 units), and every part is billed.
 */
export const SEGMENT_LIMITS = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
} as const satisfies Record<SmsEncoding, { single: number; perPart: number }>;

export function smsSegments(text: string): SmsSegments {
  const septets = gsm7Length(text);
  const encoding: SmsEncoding = septets === undefined ? 'UCS-2' : 'GSM-7';
  // String length is UTF-16 code units, exactly what UCS-2 (in practice UTF-16) transports.
  const units = septets ?? text.length;
  const limits = SEGMENT_LIMITS[encoding];
  const segments = units <= limits.single ? 1 : Math.ceil(units / limits.perPart);
  return { encoding, units, segments };
}
