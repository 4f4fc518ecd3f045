/**
 * Plivo refused the SMS, so nobody received this code: remove it (only if a newer code has not
 * replaced it meanwhile) and lift the cooldown it started. Either way no SMS went out, so the
 * `sent` count issue-code made is taken back (in the same hour's hash, which still exists: its TTL
 * is days, the send took seconds).
 *
 * KEYS[1] code hash key   KEYS[2] cooldown key   KEYS[3] stats hash of the hour the code was issued in
 * ARGV[1] HMAC of the code that was not delivered   ARGV[2] stats field, `{country}:sent`
 * Returns 1 when removed, 0 when the stored code was another one.
 */
export const REVOKE_CODE_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
end
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
`;
