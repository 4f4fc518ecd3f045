// `max` is the only metadata that names every kind; parse-phone.ts uses it too, so the bundle carries
// one metadata set (docs/phone-metadata.md has the measurements behind this choice).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Number types that cannot receive SMS or cost extra to reach (libphonenumber's names). */
export type RefusedNumberType =
  | 'FIXED_LINE'
  | 'PREMIUM_RATE'
  | 'SHARED_COST'
  | 'TOLL_FREE'
  | 'VOIP'
  | 'PAGER'
  | 'UAN'
  | 'VOICEMAIL'
  | 'PERSONAL_NUMBER';

export type NumberKindVerdict = { kind: 'allowed' } | { kind: 'refused'; numberType: RefusedNumberType };

const ALLOWED: NumberKindVerdict = { kind: 'allowed' };

/**
 * Anti SMS-pumping: refuses numbers that cannot receive SMS or that cost extra (fixed line, premium
 * rate, shared cost, toll free, VoIP, ...). MOBILE, FIXED_LINE_OR_MOBILE (ranges such as the US where
 * the two are not told apart) and unknown kinds are allowed (unknown: the metadata cannot tell, so do
 * not lock out real users). Expects a number parsePhone accepted.
 */
export function classifyNumberKind(e164: string): NumberKindVerdict {
  const numberType = parsePhoneNumberFromString(e164, { extract: false })?.getType();
  if (numberType === undefined || numberType === 'MOBILE' || numberType === 'FIXED_LINE_OR_MOBILE')
    return ALLOWED;
  return { kind: 'refused', numberType };
}
