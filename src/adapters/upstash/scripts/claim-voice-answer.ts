/**
 * Takes a call's answer URL for its one use, if the verification may still be spoken: the number's
 * active pointer still names it (not replaced), it is pending (not canceled or approved), its code
 * has not expired, and its code HMAC is the one of the code sealed in the URL.
 *
 * Once per code, not once per verification: a verification can go voice → SMS → voice, and each
 * call carries a new code that must be spoken once. The marker holds the HMAC of the code that was
 * spoken; a marker naming another (older) code is replaced, one naming this code refuses. A URL of
 * an older code never gets here: the record's `h` is no longer its HMAC (`gone`).
 *
 * KEYS[1] verification record   KEYS[2] the number's active pointer   KEYS[3] the answer marker
 * ARGV[1] tag of the verification id   ARGV[2] HMAC of the sealed code   ARGV[3] now (ms)
 * ARGV[4] the marker's TTL (ms)   ARGV[5] the CallUUID that took it (kept for operators)
 * Returns 'speak' | 'used' | 'gone'
 */
export const CLAIM_VOICE_ANSWER_SCRIPT = `
local rec = redis.call('HMGET', KEYS[1], 's', 'h', 'e')
if not rec[1] or redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 'gone'
end
if rec[1] ~= 'pending' or rec[2] ~= ARGV[2] or tonumber(rec[3]) <= tonumber(ARGV[3]) then
  return 'gone'
end
local taken = redis.call('GET', KEYS[3])
if taken and string.sub(taken, 1, #ARGV[2] + 1) == ARGV[2] .. ' ' then
  return 'used'
end
redis.call('SET', KEYS[3], ARGV[2] .. ' ' .. ARGV[5], 'PX', ARGV[4])
return 'speak'
`;
