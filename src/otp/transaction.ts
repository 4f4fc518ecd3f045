import { gsm7Length } from './gsm7.ts';

/**
 * The payment a code confirms (PSD2 dynamic linking, Commission Delegated Regulation (EU)
 * 2018/389 art. 5): shown to the payer in the SMS, kept with the verification, copied into the
 * receipt's `transaction` claim. Exactly the strings the caller sent, once they passed
 * `checkTransaction`.
 */
export interface Transaction {
  /** A decimal string such as `1250.00`: at most 12 integer digits and 4 decimals. */
  readonly amount: string;
  /** An ISO 4217 alpha-3 code in capitals, such as `EUR`. */
  readonly currency: string;
  /** Who is paid, as the payer will read it in the SMS: 1-35 GSM-7 characters. */
  readonly payee: string;
}

// No leading zeros, no sign, no exponent, no thousands separator: one way to write each amount
// the SMS shows, so the payer and the customer's backend read the same figure.
export const AMOUNT_PATTERN = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?$/;
// The shape only: the list of live codes changes (ZWG arrived in 2024), and the customer's backend,
// which chose the currency, finds it again in the receipt.
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** SEPA's remittance fields and most card descriptors hold about this much; it also bounds the SMS. */
export const MAX_PAYEE_LENGTH = 35;
/** The longest amount AMOUNT_PATTERN admits, for costing the SMS at its worst. */
export const LONGEST_AMOUNT = '999999999999.9999';

export type TransactionCheck =
  | { ok: true; transaction: Transaction }
  | { ok: false; field: 'amount' | 'currency' | 'payee'; problem: string };

/**
 * Checks the three fields; refuses rather than repairs, so the text the payer reads, the text
 * stored with the verification and the text in the receipt are the caller's own, byte for byte.
 */
export function checkTransaction(candidate: Transaction): TransactionCheck {
  if (!AMOUNT_PATTERN.test(candidate.amount)) {
    return {
      ok: false,
      field: 'amount',
      problem: 'must be a decimal like 1250.00: digits, no sign or leading zero, at most 4 decimals',
    };
  }
  if (!CURRENCY_PATTERN.test(candidate.currency)) {
    return { ok: false, field: 'currency', problem: 'must be an ISO 4217 code in capitals, like EUR' };
  }
  const payeeProblem = payeeTextProblem(candidate.payee);
  if (payeeProblem !== undefined) return { ok: false, field: 'payee', problem: payeeProblem };
  return {
    ok: true,
    transaction: { amount: candidate.amount, currency: candidate.currency, payee: candidate.payee },
  };
}

// GSM-7 characters the payee may still not use: line breaks and form feed (they would split the
// SMS and could push a forged last line under the WebOTP line), and `@`, septet 0x00, which some
// networks and handsets read as the end of the text.
const PAYEE_REFUSED = /[\n\r\f@]/;

/** Why `payee` cannot go into the SMS as it is, or undefined when it can. */
export function payeeTextProblem(payee: string): string | undefined {
  const length = [...payee].length;
  if (length < 1 || length > MAX_PAYEE_LENGTH) return `must be 1 to ${MAX_PAYEE_LENGTH} characters`;
  if (payee.trim() !== payee) return 'must not start or end with a space';
  // One septet each (no extension characters such as € or {}): 35 characters cost 35 septets, the
  // figure the load-time budget counts with, and a UCS-2 message holds them as 35 units.
  if (PAYEE_REFUSED.test(payee) || gsm7Length(payee) !== length) {
    return 'may only use the GSM-7 basic alphabet (letters, digits, common punctuation), without @ or line breaks';
  }
  return undefined;
}
