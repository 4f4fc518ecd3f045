/**
 * A receipt's `aud`: which backend may accept it. RECEIPT_AUDIENCE sets the deployment's, and an
 * API key may carry its own (`key@audience` in API_KEYS), so apps sharing one deployment cannot
 * accept each other's receipts.
 */

// Visible ASCII without a comma (the separator of API_KEYS), up to 200 characters: room for a URL
// such as https://api.example.com/login, nothing that a log line or a JSON string would alter.
export const AUDIENCE_PATTERN = /^[\x21-\x2B\x2D-\x7E]{1,200}$/;

export const AUDIENCE_RULE = '1 to 200 visible ASCII characters, no spaces or commas';

export function isReceiptAudience(value: string): boolean {
  return AUDIENCE_PATTERN.test(value);
}

/**
 * Outside production an unset RECEIPT_AUDIENCE still gives every receipt an `aud`, one that names
 * the environment: a backend checking its production audience refuses a staging or development
 * receipt, and nothing is ever bound to no audience at all.
 */
export function defaultAudience(environment: string): string {
  return `otp-edge-${environment}`;
}
