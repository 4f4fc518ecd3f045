/**
 * Cancels one verification for DELETE /otp/verifications/{id}: its code is deleted, so it can no
 * longer be verified, and its status becomes `canceled` (kept for GET until the record expires).
 * An approved verification stays approved (`approved`): its receipt exists and a cancel cannot
 * take it back. A replaced or gone one is `not_found` and spends nothing; the number's cooldown
 * stays, so cancel and request again is no way around it.
 *
 * KEYS[1] verification record   KEYS[2] the number's active pointer   KEYS[3] verify counter of the client network
 * ARGV[1] tag of the verification id   ARGV[2] verifies per IP   ARGV[3] IP window (s)
 * Returns {'canceled', 0} | {'approved', 0} | {'not_found', 0} | {'ip_limited', pttl_ms}
 */
export const CANCEL_VERIFICATION_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 's')
if not status or redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return {'not_found', 0}
end
local fromIp = redis.call('INCR', KEYS[3])
if fromIp == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
if fromIp > tonumber(ARGV[2]) then
  return {'ip_limited', redis.call('PTTL', KEYS[3])}
end
if status == 'approved' then
  return {'approved', 0}
end
redis.call('HSET', KEYS[1], 's', 'canceled')
redis.call('HDEL', KEYS[1], 'h')
return {'canceled', 0}
`;
