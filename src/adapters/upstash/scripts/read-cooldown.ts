/**
 * How long the number's resend cooldown still runs: read when a verify finds its code used up
 * (`burned`), so the answer can say when a new code may be requested. A second round trip on that
 * path only; check-code stays the one atomic step of every verify.
 *
 * KEYS[1] the number's cooldown
 * Returns its PTTL in ms: -2 when there is none (a new code may be requested now).
 */
export const READ_COOLDOWN_SCRIPT = `
return redis.call('PTTL', KEYS[1])
`;
