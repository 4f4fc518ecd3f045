/**
 * Verifies a guess: failure cap, existence, per-code attempt limit, comparison, and consume on
 * success, all in one atomic step so parallel requests can neither both succeed nor slip extra
 * guesses past the counters.
 *
 * KEYS[1] code hash key         KEYS[2] failure counter key     KEYS[3] verify counter of the client network
 * KEYS[4] stats hash of the hour
 * KEYS[5] guard hash of the number's country, current window   KEYS[6] the same, previous window
 * ARGV[1] HMAC of the guess     ARGV[2] max attempts per code   ARGV[3] failure cap
 * ARGV[4] failure window (s)    ARGV[5] verifies per IP         ARGV[6] IP window (s)
 * ARGV[7] stats field counting an approval, `{country}:verified`  ARGV[8] stats TTL (s)
 * ARGV[9] current guard window index   ARGV[10] previous guard window index
 * ARGV[11] range tag                    ARGV[12] block
 * Returns {'approved', 0} | {'wrong', attempts_remaining} | {'expired', 0} | {'burned', 0} | {'locked', pttl_ms}
 *       | {'ip_limited', pttl_ms}
 *
 * The per-IP limit lives here rather than in a separate limiter call so that verify stays one
 * round trip and a limited request evaluates nothing. It is a fixed window: every verify from the
 * IP counts, right or wrong, which is what stops one guess spread across many numbers.
 *
 * An approval credits `verified` to the cells the send counted in (range, block, country, and the
 * overdraft when it admitted the send), in the window the send counted in (`w` in the code's hash):
 * sent and verified of one code stay in one window, so the unverified count `s - v` is exact. A
 * send older than the previous window, or a cell hash already gone, is credited nowhere rather than
 * into a fresh hash without a TTL.
 *
 * A success deletes the code (single use) and the failure counter too: NIST counts consecutive
 * failures, and a success ends the run. (Comments live here, not in the Lua text: the text is
 * shipped in the Worker bundle and to Redis.)
 *
 * The comparison is Lua string equality on two HMACs: an attacker who could time it learns only
 * how many leading characters of an HMAC they cannot compute match, which says nothing of the code.
 */
export const CHECK_CODE_SCRIPT = `
local fromIp = redis.call('INCR', KEYS[3])
if fromIp == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[6])
end
if fromIp > tonumber(ARGV[5]) then
  return {'ip_limited', redis.call('PTTL', KEYS[3])}
end
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
if failures >= tonumber(ARGV[3]) then
  return {'locked', redis.call('PTTL', KEYS[2])}
end
local stored = redis.call('HMGET', KEYS[1], 'h', 'a', 'w', 'o')
if not stored[1] then
  return {'expired', 0}
end
local maxAttempts = tonumber(ARGV[2])
if tonumber(stored[2] or '0') >= maxAttempts then
  return {'burned', 0}
end
if stored[1] == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HINCRBY', KEYS[4], ARGV[7], 1)
  redis.call('EXPIRE', KEYS[4], ARGV[8])
  local cell = nil
  if stored[3] == ARGV[9] then
    cell = KEYS[5]
  elseif stored[3] == ARGV[10] then
    cell = KEYS[6]
  end
  if cell and redis.call('EXISTS', cell) == 1 then
    redis.call('HINCRBY', cell, 'r:' .. ARGV[11] .. ':v', 1)
    redis.call('HINCRBY', cell, 'b:' .. ARGV[12] .. ':v', 1)
    redis.call('HINCRBY', cell, 'c:v', 1)
    if stored[4] == '1' then
      redis.call('HINCRBY', cell, 'o:v', 1)
    end
  end
  return {'approved', 0}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if redis.call('INCR', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return {'wrong', maxAttempts - attempts}
`;
