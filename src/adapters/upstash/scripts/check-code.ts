/**
 * Verifies a guess against one verification: that it is the number's active, pending, unexpired
 * verification; the client network's verify limit; the number's failure cap; the client network's
 * own failure cap on the number; the per-code attempt limit; the comparison; and consume on
 * success. All in one atomic step, so parallel requests can neither both succeed nor slip extra
 * guesses past the counters.
 *
 * KEYS[1] verification record   KEYS[2] the number's active pointer
 * KEYS[3] failure counter of the number   KEYS[4] failure counter of the number from this client network
 * KEYS[5] verify counter of the client network   KEYS[6] stats hash of the hour
 * KEYS[7] guard hash of the number's country, current window   KEYS[8] the same, previous window
 * ARGV[1] HMAC of the guess     ARGV[2] tag of the verification id   ARGV[3] now (epoch ms)
 * ARGV[4] max attempts per code  ARGV[5] failure cap of the number   ARGV[6] failure cap per client
 * ARGV[7] failure window (s)     ARGV[8] verifies per IP               ARGV[9] IP window (s)
 * ARGV[10] country (stats field `{country}:verified`, `:test_verified` for a test number)
 * ARGV[11] stats TTL (s)         ARGV[12] current guard window index   ARGV[13] previous one
 * ARGV[14] HMAC of the verify's transaction, '' when it sent none   ARGV[19] TTL of the peaks (s)
 * KEYS[9] the number's guard mark (admit-send: the window its counted send is in, credited yet)
 * KEYS[7..9] are the id's sealed channel's; KEYS[10..15] the same three for the other two channels,
 * in ARGV[15..17]'s order (the id's channel first): the record's `k` (the channel its current code
 * went out on, after a channel switch) picks the three the approval credits, so verified is
 * credited to the channel whose send it redeems. The Worker cannot know `k` before this round trip.
 * KEYS[16] the country's learned peaks (`guard-peak:{country}`)   ARGV[18] today's UTC day index
 * KEYS[17] the trusted keys' cells, current window; KEYS[18] previous window
 * KEYS[20] routing's stats hash of the hour (`route-stats:`)
 * KEYS[19] the number's resend cooldown: a used-up code's answer says when a new one may be asked
 * ARGV[20] the app's stats field prefix (`@shop:`; '' without APPS): an approval also counts `verified` (or
 *          `test_verified`) under the verification's app (docs/apps.md)
 * Returns {'approved', sealed binding} | {'wrong', attempts_remaining} | {'not_found', 0}
 *       | {'burned', cooldown pttl_ms (-2: none)} | {'locked', pttl_ms} | {'client_locked', pttl_ms} | {'ip_limited', pttl_ms}
 *       | {'transaction_mismatch', 0}
 *
 * `not_found` comes first and writes nothing: an unknown, replaced, canceled, approved or expired
 * verification spends no counter, so verify is no oracle and no burner of anyone's attempts. (An
 * id that this service did not issue never gets here: it does not open in the Worker.)
 *
 * The per-IP limit lives here rather than in a separate limiter call so that verify stays one
 * round trip and a limited request evaluates nothing. It is a fixed window: every verify from the
 * network counts, right or wrong. A client network over its own failure cap on the number is
 * refused before its guess is evaluated, while other networks (the owner's) keep verifying; the
 * number-wide cap still bounds guessing from everyone (docs/abuse-defense.md, lockout).
 *
 * An approval credits `verified` to the cells the send counted in (range `r`, block `b`, country,
 * and the overdraft when it admitted the send), in the window the send counted in (`w`): sent and
 * verified of one code stay in one window, so the unverified count `s - v` is exact. A send older
 * than the previous window, or a cell hash already gone, is credited nowhere rather than into a
 * fresh hash without a TTL. A test number is credited nowhere. A number's count is credited once:
 * only while the number's guard mark names the record's window and is not yet credited (`c`), so
 * the owner's verification clears a stranger's unverified send to the number, and a number that
 * verifies many codes in a window earns its cells one credit, not one per code.
 *
 * The record's tier `o` says which cells admitted the send: `0`/`1` the plain cells (and the
 * overdraft), credited as above; `c` the challenged cell `h:v`, and `t` its key's cell in the
 * trusted hash (`{q}:v`) plus `t:v` in the country hash, each once, when the code is approved
 * (an approval happens once per code). An approval that credits the plain cells (once per number
 * and window) or the challenged cell also counts in the hour's `{country}:learned` and raises
 * today's learned peak of the country (KEYS[16]) to it when higher: the busiest hour is what
 * admit-send learns a country's normal volume from, and a number verifying many codes teaches it
 * once, a trusted key's users (who skip the country's cells) not at all.
 *
 * A success deletes the code (single use) and both failure counters: NIST counts consecutive
 * failures, and a success ends the run. (Comments live here, not in the Lua text: the text is
 * shipped in the Worker bundle and to Redis.)
 *
 * A verify that names a transaction must name the stored one (record field `p`, its HMAC; a
 * record without `p` matches none): otherwise the code is burned (`a` set to the cap) before it is
 * compared, so the refusal says nothing about the guess, and the failure counters stay as they are
 * (no guess was evaluated). A changed amount or payee voids the code (PSD2 RTS art. 5(1)(d)); the
 * caller requests a new one for the transaction it now means.
 *
 * A success also credits the provider that carried the code (`pv`, written by track-message once
 * the provider accepted it) in the route's conversion cells the send was counted in (`rk`, a key
 * this script did not declare: the Worker cannot know it before this round trip) and in the
 * routing's hourly `{country}:{channel}:{provider}:verified` (KEYS[20]; docs/routing.md). A code verified before
 * its tracking landed credits no provider.
 *
 * The comparison is Lua string equality on two HMACs: an attacker who could time it learns only
 * how many leading characters of an HMAC they cannot compute match, which says nothing of the code.
 */
export const CHECK_CODE_SCRIPT = `
local rec = redis.call('HMGET', KEYS[1], 'h', 'a', 's', 'e', 't', 'w', 'o', 'r', 'b', 'x', 'p', 'k', 'q', 'pv', 'rk')
if rec[3] ~= 'pending' or not rec[1] or redis.call('GET', KEYS[2]) ~= ARGV[2]
    or tonumber(rec[4]) <= tonumber(ARGV[3]) then
  return {'not_found', 0}
end
local fromIp = redis.call('INCR', KEYS[5])
if fromIp == 1 then
  redis.call('EXPIRE', KEYS[5], ARGV[9])
end
if fromIp > tonumber(ARGV[8]) then
  return {'ip_limited', redis.call('PTTL', KEYS[5])}
end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[5]) then
  return {'locked', redis.call('PTTL', KEYS[3])}
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[6]) then
  return {'client_locked', redis.call('PTTL', KEYS[4])}
end
local maxAttempts = tonumber(ARGV[4])
if tonumber(rec[2] or '0') >= maxAttempts then
  return {'burned', redis.call('PTTL', KEYS[19])}
end
if ARGV[14] ~= '' and rec[11] ~= ARGV[14] then
  redis.call('HSET', KEYS[1], 'a', maxAttempts)
  return {'transaction_mismatch', 0}
end
if rec[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 's', 'approved')
  redis.call('HDEL', KEYS[1], 'h')
  redis.call('DEL', KEYS[3], KEYS[4])
  local test = rec[5] == '1'
  redis.call('HINCRBY', KEYS[6], ARGV[10] .. (test and ':test_verified' or ':verified'), 1)
  if ARGV[20] ~= '' then
    redis.call('HINCRBY', KEYS[6], ARGV[20] .. (test and 'test_verified' or 'verified'), 1)
  end
  redis.call('EXPIRE', KEYS[6], ARGV[11])
  if rec[14] and rec[15] then
    if redis.call('EXISTS', rec[15]) == 1 then
      redis.call('HINCRBY', rec[15], rec[14] .. ':v', 1)
    end
    redis.call('HINCRBY', KEYS[20], ARGV[10] .. ':' .. (rec[12] or ARGV[15]) .. ':' .. rec[14] .. ':verified', 1)
    redis.call('EXPIRE', KEYS[20], ARGV[11])
  end
  local cell = nil
  local base = 7
  for i = 1, 3 do
    if ARGV[14 + i] == (rec[12] or ARGV[15]) then
      base = 4 + 3 * i
    end
  end
  if test then
    return {'approved', rec[10]}
  end
  local current = rec[6] == ARGV[12]
  if current then
    cell = KEYS[base]
  elseif rec[6] == ARGV[13] then
    cell = KEYS[base + 1]
  end
  if not cell or redis.call('EXISTS', cell) == 0 then
    return {'approved', rec[10]}
  end
  local function learn()
    local verifiedThisHour = redis.call('HINCRBY', KEYS[6], ARGV[10] .. ':learned', 1)
    if verifiedThisHour > tonumber(redis.call('HGET', KEYS[16], ARGV[18]) or '0') then
      redis.call('HSET', KEYS[16], ARGV[18], verifiedThisHour)
      redis.call('EXPIRE', KEYS[16], ARGV[19])
    end
  end
  if rec[7] == 'c' then
    redis.call('HINCRBY', cell, 'h:v', 1)
    learn()
    return {'approved', rec[10]}
  end
  if rec[7] == 't' then
    local trusted = current and KEYS[17] or KEYS[18]
    if rec[13] and redis.call('EXISTS', trusted) == 1 then
      redis.call('HINCRBY', trusted, rec[13] .. ':v', 1)
    end
    redis.call('HINCRBY', cell, 't:v', 1)
    return {'approved', rec[10]}
  end
  local markKey = KEYS[base + 2]
  local mark = redis.call('HMGET', markKey, 'w', 'c')
  if mark[1] == rec[6] and not mark[2] then
    redis.call('HSET', markKey, 'c', 1)
    learn()
    redis.call('HINCRBY', cell, 'r:' .. rec[8] .. ':v', 1)
    redis.call('HINCRBY', cell, 'b:' .. rec[9] .. ':v', 1)
    redis.call('HINCRBY', cell, 'c:v', 1)
    if rec[7] == '1' then
      redis.call('HINCRBY', cell, 'o:v', 1)
    end
  end
  return {'approved', rec[10]}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if redis.call('INCR', KEYS[3]) == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[7])
end
if redis.call('INCR', KEYS[4]) == 1 then
  redis.call('EXPIRE', KEYS[4], ARGV[7])
end
return {'wrong', maxAttempts - attempts}
`;
