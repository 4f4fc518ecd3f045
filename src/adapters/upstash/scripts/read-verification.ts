/**
 * Reads one verification for GET /otp/verifications/{id}: its status, attempts used, code expiry,
 * the sealed binding (the Worker opens it to show the number masked) and the delivery status of
 * its SMS. A record the number's `active` pointer no longer names (replaced) is `not_found`, and
 * so is a record past its retention (gone). Only a found one counts against the client network's
 * verify limit: status reads are id oracles otherwise, and a replaced id spends nothing.
 *
 * KEYS[1] verification record   KEYS[2] the number's active pointer   KEYS[3] verify counter of the client network
 * ARGV[1] tag of the verification id   ARGV[2] verifies per IP   ARGV[3] IP window (s)
 * ARGV[4] the key prefix, for the delivery record
 * Returns {'found', status, attempts, expires_ms, delivery status or '', sealed binding,
 *          the requesting network's tag or ''}
 *       | {'not_found', 0} | {'ip_limited', pttl_ms}
 *
 * The one key built inside a script: the delivery record `{prefix}delivery:{m}` is named by the
 * record's `m` (the SMS's MessageUUID, written after the send), which the Worker cannot know
 * before this round trip. It is only read. Upstash allows that for scripts that do not opt into
 * key-based locking (none here does); the alternative was a second round trip per status read.
 */
export const READ_VERIFICATION_SCRIPT = `
local rec = redis.call('HMGET', KEYS[1], 's', 'a', 'e', 'm', 'x', 'n')
if not rec[1] or redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return {'not_found', 0}
end
local fromIp = redis.call('INCR', KEYS[3])
if fromIp == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
if fromIp > tonumber(ARGV[2]) then
  return {'ip_limited', redis.call('PTTL', KEYS[3])}
end
local delivery = ''
if rec[4] then
  delivery = redis.call('HGET', ARGV[4] .. 'delivery:' .. rec[4], 'status') or ''
end
return {'found', rec[1], rec[2] or '0', rec[3], delivery, rec[5], rec[6] or ''}
`;
