/**
 * Keeps the country code and the last two digits: enough to tell numbers apart in an incident,
 * not enough to contact anyone.
 */
export function maskPhone(e164: string): string {
  if (e164.length <= 6) return '+***';
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`;
}

// Seven or more digits, with or without a leading +, single spaces, dots, dashes or brackets between
// them: how a provider may echo a number back (`14155552671`, `+1 415-555-2671`). Shorter runs
// (status and error codes, sequence numbers) stay as they are.
const NUMBER_IN_TEXT = /\+?\d(?:[ ().-]?\d){6,}/g;

/**
 * Free text from outside (a provider's error message) with every phone-number-like run masked as
 * maskPhone masks a number, before it reaches a log: Plivo may echo the `to` or `dst` it refused.
 */
export function maskPhoneNumbers(text: string): string {
  return text.replace(NUMBER_IN_TEXT, (run) => {
    const masked = maskPhone(`+${run.replace(/\D/g, '')}`);
    return run.startsWith('+') ? masked : masked.slice(1);
  });
}
