/**
 * Plivo refused the SMS, so nobody received this code: take back everything admit-send took for
 * it (the `sent` stats count, the send in its guard cells, one count in each plain limit), then
 * remove the code and lift its cooldown, but only if a newer code has not replaced it meanwhile.
 * The keys are the very ones admit-send wrote (the Worker kept them across the send), and each
 * still exists: their TTLs are at least the code's lifetime, the send took seconds. A key that is
 * gone is left alone, never recreated with a negative count.
 *
 * KEYS[1] code hash key   KEYS[2] cooldown key   KEYS[3] stats hash of the hour the code was issued in
 * KEYS[4] guard hash the send counted in          KEYS[5..9] the plain limits' windows it counted in
 * ARGV[1] HMAC of the code that was not delivered   ARGV[2] stats field, `{country}:sent`
 * ARGV[3] range tag   ARGV[4] block   ARGV[5] 1 when the overdraft admitted the send, else 0
 * Returns 1 when the code was removed, 0 when the stored code was another one.
 */
export const REVOKE_CODE_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HINCRBY', KEYS[4], 'r:' .. ARGV[3] .. ':s', -1)
  redis.call('HINCRBY', KEYS[4], 'b:' .. ARGV[4] .. ':s', -1)
  redis.call('HINCRBY', KEYS[4], 'c:s', -1)
  if ARGV[5] == '1' then
    redis.call('HINCRBY', KEYS[4], 'o:s', -1)
  end
end
for i = 5, 9 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('DECR', KEYS[i])
  end
end
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
`;
