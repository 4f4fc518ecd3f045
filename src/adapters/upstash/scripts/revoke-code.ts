/**
 * Plivo refused the SMS, so nobody received this code: take back everything admit-send took for
 * it (the `sent` stats count, one count in each plain limit, and the send in its guard cells when
 * it was the number's counted send), remove its verification, and lift the number's cooldown and
 * active pointer, but only if a newer verification has not replaced it meanwhile.
 * A resend took nothing from the range and block, so its revocation gives nothing back there (its
 * country count stays: erring on the side of counting). A counted send
 * that a newer one replaced keeps its count and the number's guard mark: the newer send was
 * admitted as a resend on that count.
 * The keys are the very ones admit-send wrote (the Worker kept them across the send), and each
 * still exists: their TTLs are at least the code's lifetime, the send took seconds. A key that is
 * gone is left alone, never recreated with a negative count.
 *
 * KEYS[1] verification record   KEYS[2] cooldown key   KEYS[3] stats hash of the hour it was issued in
 * KEYS[4] guard hash the send counted in          KEYS[5..9] the plain limits' windows it counted in
 * KEYS[10] the number's active pointer   KEYS[11] the number's guard mark
 * ARGV[1] tag of the verification that was not delivered   ARGV[2] stats field, `{country}:sent`
 * ARGV[3] range tag   ARGV[4] block   ARGV[5] 1 when the overdraft admitted the send, else 0
 * ARGV[6] 1 when the send was counted in the guard's cells (admit-send wrote the mark), 0 for a resend
 * Returns 1 when it was the number's active verification, 0 when a newer one had replaced it.
 */
export const REVOKE_CODE_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
end
local active = redis.call('GET', KEYS[10]) == ARGV[1]
if ARGV[6] == '1' and active then
  redis.call('DEL', KEYS[11])
end
if ARGV[6] == '1' and active and redis.call('EXISTS', KEYS[4]) == 1 then
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
redis.call('DEL', KEYS[1])
if active then
  redis.call('DEL', KEYS[10], KEYS[2])
  return 1
end
return 0
`;
