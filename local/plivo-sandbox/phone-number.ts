/**
 * Plivo accepts numbers with or without the leading `+`; compare them on digits alone.
 * Leading spaces are dropped too: a `+` typed in a query string (`?dst=+1555…`) arrives decoded as a space.
 */
export function phoneDigits(value: string): string {
  return value.trim().replace(/^\+/, '');
}

// E.164: a country code never starts with 0, and a full number has at most 15 digits.
const E164_WITH_OPTIONAL_PLUS = /^\+?[1-9][0-9]{5,14}$/;

export function isPhoneNumber(value: string): boolean {
  return E164_WITH_OPTIONAL_PLUS.test(value);
}
