/**
 * Stores a new code unless the number is locked or in its resend cooldown. The cooldown is taken
 * with SET NX inside the script, so parallel requests for one number issue (and send) at most once.
 *
 * KEYS[1] code hash key      KEYS[2] cooldown key      KEYS[3] failure counter key
 * KEYS[4] stats hash of the hour
 * ARGV[1] HMAC of the code   ARGV[2] code TTL (s)      ARGV[3] cooldown (s, 0 = none)   ARGV[4] failure cap
 * ARGV[5] stats field counting this code, `{country}:sent`  ARGV[6] stats TTL (s)
 * Returns {'issued', 0} | {'cooldown', pttl_ms} | {'locked', pttl_ms}
 *
 * A new code replaces the old one at once and its attempts start again; the failure counter does
 * not (NIST SP 800-63B rev 4: a new secret SHALL NOT reset the failed attempt count). `sent` is
 * counted here rather than after the send so that the request keeps its round-trip budget;
 * revoke-code takes the count back when Plivo refuses the SMS. (Comments live here, not in the
 * Lua text: the text is shipped in the Worker bundle and to Redis.)
 */
export const ISSUE_CODE_SCRIPT = `
local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
if failures >= tonumber(ARGV[4]) then
  return {'locked', redis.call('PTTL', KEYS[3])}
end
local cooldown = tonumber(ARGV[3])
if cooldown > 0 and not redis.call('SET', KEYS[2], '1', 'EX', cooldown, 'NX') then
  return {'cooldown', redis.call('PTTL', KEYS[2])}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'a', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
redis.call('EXPIRE', KEYS[4], ARGV[6])
return {'issued', 0}
`;
