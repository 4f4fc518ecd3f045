/**
 * Admits one send and creates its verification, all or nothing: the number's failure cap, the
 * client network's own failure cap on the number, the resend cooldown, the five plain limits, the
 * conversion-aware guard (docs/abuse-defense.md), then, only if every check passed, every write.
 * A refusal writes nothing but one refusal counter in the stats hash, so a refused request takes
 * nothing from any shared budget.
 *
 * The new verification record becomes the number's active one (`active` points at its tag): the
 * previous verification is replaced at once, and every script refuses a record `active` no longer
 * points at. A test number (ARGV[38]) counts `test_sent` instead of `sent` and stays out of the
 * guard (checked, charged and credited nowhere): it costs no SMS, and must never earn a real range
 * conversion credit.
 *
 * KEYS[1] the new verification record   KEYS[2] cooldown key   KEYS[3] failure counter of the number
 * KEYS[4] stats hash of the hour
 * KEYS[5..14] the plain limits' sliding windows, current then previous window each, in the order
 *             phone, ip (the client's network), prefix, country, global
 * KEYS[15] guard hash of the number's country and channel, current window; KEYS[16] previous window
 * ARGV[1] HMAC of the code       ARGV[2] code TTL (s)            ARGV[3] cooldown (s, 0 = none)
 * ARGV[4] failure cap            ARGV[5] country (stats fields `{country}:sent|refused:*|shadow:*`)
 * ARGV[6] stats TTL (s)          ARGV[7] guard mode, `enforce` | `shadow` | `off`
 * ARGV[8..22] per plain limit, in the KEYS order: limit, weight of its previous window, key TTL (ms)
 * ARGV[23] guard: weight of the previous window   ARGV[24] guard key TTL (s)   ARGV[25] guard window index
 * ARGV[26] range tag             ARGV[27] block                  ARGV[28..31] range, block, country, overdraft base
 * ARGV[32] credit per verified code                ARGV[33] verified codes a healthy country needs
 * KEYS[17] failure counter of the number from the client's network   KEYS[18] the number's active pointer
 * ARGV[34] failure cap per client network   ARGV[35] record TTL (s)   ARGV[36] tag of the verification id
 * ARGV[37] sealed binding        ARGV[38] test number 1|0        ARGV[39] now (epoch ms)
 * ARGV[40] code expiry (epoch ms)   ARGV[41] HMAC of the binding's transaction, '' when none
 * KEYS[19] the number's guard mark (the window its send was counted in, see below)
 * ARGV[42] '' for a new verification; for a channel switch on the existing one (KEYS[1]), the
 *          fallback delay (ms) since its last code    ARGV[43] the channel the code goes out on (`k`)
 * ARGV[44] a new verification's sealed fallback ticket (`f`, channel `auto`), '' when none
 * ARGV[45] '1' for the service's own switch (`auto` after a failed SMS): it needs `f` and takes it
 * Returns {'issued', shadow scope or '', overdraft 0|1, counted 0|1} | {'cooldown', pttl_ms} | {'locked', pttl_ms}
 *       | {'not_found', 0} | {'fallback_wait', ms} (channel switch only)
 *       | {'client_locked', pttl_ms} | {'limited', scope, 'limit' | 'guard'} (which check refused:
 *       a plain limit or the guard)
 *
 * Windows are weighted like @upstash/ratelimit's slidingWindow: current + previous x (1 - elapsed
 * share); the Worker computes the weights and indices from its clock, so tests can move time.
 * The global limit is a hard cap at 1x outside `enforce`; under `enforce` it is a soft threshold
 * (only healthy countries pass above it) and the hard cap is 2x. The code's hash keeps the guard
 * window index `w` and whether the overdraft admitted it (`o`), so check-code credits `verified`
 * to the very cells and window the send counted in.
 *
 * A number counts once per guard window in its range and block: a counted send writes the
 * number's guard mark (KEYS[19]: `w` its window, `o` its overdraft flag); a send to a number whose
 * mark is from the current or the previous window is a resend. A resend is neither checked nor
 * charged in the range and block (so a stranger's unverified requests for one number cannot fill
 * its range's budget and refuse the owner and the range's other numbers), but it is checked and
 * charged in the country cell like any send: a pumper resending to numbers it holds (up to the
 * per-phone limit each) still spends the country's budget, which keeps the country's bound. Its
 * record takes the mark's `w` and `o`, so its approval credits the count it relies on.
 *
 * A channel switch ("call me instead", or `auto` after a failed SMS) is a send like any other: the
 * same caps, plain limits and the new channel's guard cells, so one script keeps one rule set. It
 * differs in three places: the verification must be the number's active, pending, unexpired one
 * (else `not_found`, nothing written); the fallback delay since the record's last code (`c`)
 * replaces the cooldown check; and the record keeps its attempts (`a`), status, and transaction,
 * while the new code hash, channel `k`, expiry and guard window replace the old ones (the old code
 * stops working) and the previous message's tracking `m` is dropped. Every switch drops the
 * fallback ticket `f`: a user who chose a channel is not called on top of it, and the service's
 * own switch, which refuses a record without `f`, happens once however many reports say the SMS
 * failed.
 * (Comments live here, not in the Lua text: the text is shipped in the Worker bundle and to Redis.)
 */
export const ADMIT_SEND_SCRIPT = `
local switching = ARGV[42] ~= ''
if switching then
  local rec = redis.call('HMGET', KEYS[1], 's', 'c', 'e', 'f')
  if rec[1] ~= 'pending' or redis.call('GET', KEYS[18]) ~= ARGV[36]
      or tonumber(rec[3]) <= tonumber(ARGV[39]) or (ARGV[45] == '1' and not rec[4]) then
    return {'not_found', 0}
  end
  local wait = tonumber(rec[2]) + tonumber(ARGV[42]) - tonumber(ARGV[39])
  if wait > 0 then
    return {'fallback_wait', wait}
  end
end
local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
if failures >= tonumber(ARGV[4]) then
  return {'locked', redis.call('PTTL', KEYS[3])}
end
if tonumber(redis.call('GET', KEYS[17]) or '0') >= tonumber(ARGV[34]) then
  return {'client_locked', redis.call('PTTL', KEYS[17])}
end
local cooldown = tonumber(ARGV[3])
if cooldown > 0 and not switching and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'cooldown', redis.call('PTTL', KEYS[2])}
end
local test = ARGV[38] == '1'
local mode = ARGV[7]
if test then mode = 'off' end
local country = ARGV[5]
local function count(stat, field)
  redis.call('HINCRBY', KEYS[4], country .. ':' .. stat .. field, 1)
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
local scopes = {'phone', 'ip', 'prefix', 'country', 'global'}
local globalCount = 0
for i = 1, 5 do
  local limit = tonumber(ARGV[5 + 3 * i])
  local current = tonumber(redis.call('GET', KEYS[3 + 2 * i]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[4 + 2 * i]) or '0')
  local sent = current + math.floor(previous * tonumber(ARGV[6 + 3 * i]))
  if i == 5 then
    globalCount = sent
    if mode == 'enforce' then limit = 2 * limit end
  end
  if sent >= limit then
    count('refused:', scopes[i])
    return {'limited', scopes[i], 'limit'}
  end
end
local range, block = 'r:' .. ARGV[26], 'b:' .. ARGV[27]
local overdraft = 0
local shadow = ''
local mark = {false, false}
if not test then
  mark = redis.call('HMGET', KEYS[19], 'w', 'o')
end
local resend = mark[1] and tonumber(ARGV[25]) - tonumber(mark[1]) <= 1
if mode ~= 'off' then
  local fields = {range .. ':s', range .. ':v', block .. ':s', block .. ':v', 'c:s', 'c:v', 'o:s', 'o:v'}
  local now = redis.call('HMGET', KEYS[15], unpack(fields))
  local before = redis.call('HMGET', KEYS[16], unpack(fields))
  local weight = tonumber(ARGV[23])
  local credit = tonumber(ARGV[32])
  local function value(i)
    return tonumber(now[i] or '0') + tonumber(before[i] or '0') * weight
  end
  local function unverified(i)
    return math.max(0, value(i) - value(i + 1))
  end
  local function room(i, base)
    return unverified(i) < tonumber(base) + credit * value(i + 1)
  end
  local refusal = nil
  if resend then
    if not room(5, ARGV[30]) then
      refusal = 'country'
    end
  elseif not room(1, ARGV[28]) then
    refusal = 'range'
  elseif not room(3, ARGV[29]) then
    refusal = 'block'
  elseif not room(5, ARGV[30]) then
    if unverified(3) < 1 and room(7, ARGV[31]) then
      overdraft = 1
    else
      refusal = 'country'
    end
  end
  if not refusal and globalCount >= tonumber(ARGV[20]) then
    local verified = value(6)
    if verified < unverified(5) or verified < tonumber(ARGV[33]) then
      refusal = 'global'
    end
  end
  if refusal then
    if mode == 'enforce' then
      count('refused:', refusal)
      return {'limited', refusal, 'guard'}
    end
    count('shadow:', refusal)
    shadow = refusal
    overdraft = 0
  end
end
if cooldown > 0 then
  redis.call('SET', KEYS[2], '1', 'EX', cooldown)
end
if switching then
  redis.call('HDEL', KEYS[1], 'm', 'f')
else
  redis.call('HSET', KEYS[1], 'a', 0, 's', 'pending')
  if ARGV[44] ~= '' then
    redis.call('HSET', KEYS[1], 'f', ARGV[44])
  end
end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'c', ARGV[39], 'e', ARGV[40], 'k', ARGV[43],
  't', test and 1 or 0, 'w', ARGV[25], 'o', overdraft, 'r', ARGV[26], 'b', ARGV[27], 'x', ARGV[37])
if ARGV[41] ~= '' then
  redis.call('HSET', KEYS[1], 'p', ARGV[41])
end
redis.call('EXPIRE', KEYS[1], ARGV[35])
redis.call('SET', KEYS[18], ARGV[36], 'EX', ARGV[35])
for i = 1, 5 do
  redis.call('INCR', KEYS[3 + 2 * i])
  redis.call('PEXPIRE', KEYS[3 + 2 * i], ARGV[7 + 3 * i])
end
if test then
  count('', 'test_sent')
  return {'issued', '', 0, 0}
end
if resend then
  redis.call('HSET', KEYS[1], 'w', mark[1], 'o', mark[2])
  if mode ~= 'off' then
    redis.call('HINCRBY', KEYS[15], 'c:s', 1)
    redis.call('EXPIRE', KEYS[15], ARGV[24])
  end
  count('', 'sent')
  return {'issued', shadow, 0, 0}
end
redis.call('HINCRBY', KEYS[15], range .. ':s', 1)
redis.call('HINCRBY', KEYS[15], block .. ':s', 1)
redis.call('HINCRBY', KEYS[15], 'c:s', 1)
if overdraft == 1 then
  redis.call('HINCRBY', KEYS[15], 'o:s', 1)
end
redis.call('EXPIRE', KEYS[15], ARGV[24])
redis.call('DEL', KEYS[19])
redis.call('HSET', KEYS[19], 'w', ARGV[25], 'o', overdraft)
redis.call('EXPIRE', KEYS[19], ARGV[24])
count('', 'sent')
return {'issued', shadow, overdraft, 1}
`;
