/**
 * Every Redis key the service writes, built in one place. docs/storage.md describes each one (type,
 * TTL, which script touches it). Keys carry an HMAC tag of the phone number, never the number.
 */
export function codeKeys(prefix: string, phoneTag: string) {
  return {
    /** Hash `h` = HMAC of the pending code, `a` = wrong guesses against it. TTL = code lifetime. */
    code: `${prefix}code:${phoneTag}`,
    /** Present while a new code may not be sent. TTL = resend cooldown. */
    cooldown: `${prefix}cooldown:${phoneTag}`,
    /** Wrong guesses across all codes of the number. TTL = 24 h from the first failure. */
    failures: `${prefix}failures:${phoneTag}`,
  };
}

/** Verify attempts from one client IP (an HMAC tag of it). TTL = the verify-per-IP window. */
export function verifyIpKey(prefix: string, ipTag: string) {
  return `${prefix}verify-ip:${ipTag}`;
}

/** Prefix under which @upstash/ratelimit keeps the send-side windows (its own key shapes below it). */
export function sendLimitPrefix(prefix: string, scope: string) {
  return `${prefix}rl:send-${scope}`;
}
