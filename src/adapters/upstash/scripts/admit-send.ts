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
 * KEYS[20] the country's learned peaks (`guard-peak:{country}`: per UTC day, its busiest hour's
 *          verified codes, written by check-code)
 * KEYS[21] the trusted keys' cells, current window; KEYS[22] previous window (`{keyTag}:s|v`)
 * ARGV[46] the country's declared hourly volume (FRAUD_GUARD_EXPECTED), 0 when undeclared
 * ARGV[47] today's UTC day index      ARGV[48] days of peaks to read (today and the days before it)
 * ARGV[49] '1' when the caller solved a challenge for this request (siteverify passed)
 * ARGV[50] the API key's tag when its caller vouches for the user (`trustedUser`), else ''
 * ARGV[51] base of the challenged cell   ARGV[52] base of a trusted key's cell
 * ARGV[53] '1' when a guard refusal will be answered with a challenge (counted as `challenged:`)
 * ARGV[54] HMAC tag of the requesting network, kept in the record (`n`) so a later channel switch
 *          is charged to it
 * ARGV[55] wrong guesses per code: a switch on a verification that used them all is `used_up`
 *          (attempts carry over, so its new code could never verify: nothing is sent)
 * KEYS[23] the route's conversion cells of the country and channel, current ROUTING_WINDOW;
 *          KEYS[24] previous window; KEYS[25] routing's stats hash of the hour (`route-stats:`);
 *          KEYS[26..] one breaker per provider of ARGV[57], in its order
 * ARGV[56] the route window's weight of the previous window
 * ARGV[57] the route's providers, space-separated ('' = none read)
 * ARGV[58] '1' for the service's failover to the route's next provider after a failed report
 *          (counted as `{country}:failover` in KEYS[25])
 * An issued send also returns the route's evidence (5th element): per provider of ARGV[57],
 * `provider sent delivered failed verified open` (weighted counts; open 1 while its breaker's
 * `u` is in the future), joined by `|`. Only read, never written here: track-message counts a
 * send once its provider accepted it (docs/routing.md).
 * ARGV[59] the app's stats field prefix (`@shop:`), '' in a deployment without APPS: every count
 *          of ARGV[5]'s country (sent, refused, challenged, shadow) is also counted under the app
 * Returns {'issued', shadow scope or '', tier, charged, route evidence} | {'cooldown', pttl_ms} | {'locked', pttl_ms}
 *       | {'not_found', 0} | {'fallback_wait', ms} | {'used_up', 0} (channel switch only)
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
 * Tiers (the record's `o`, docs/abuse-defense.md): `0` the plain cells, `1` the country's overdraft,
 * `c` the challenged cell (`h:s|v` in the country hash: only a request whose caller solved a
 * challenge after the plain cells refused it counts there, so plain requests cannot fill it), `t`
 * a trusted key's cell (`{keyTag}:s|v` in KEYS[21]: the range, block and country cells are
 * skipped, and `t:s|v` in the country hash only reports it). `charged` names exactly what the
 * send counted, for revoke-code: `rbc` (range, block, country), `rbco` (+ overdraft), `c` (a
 * resend: the country only), `h` (challenged), `t` (trusted), '' (nothing: a test number, `off`).
 *
 * Narrow cells blame only past the country's base: while the country's unverified sends are below
 * its base, a first send is admitted whatever its range and block hold (a stranger's two
 * unverified requests must not refuse a range's other 999 numbers); past it, a send must pass its
 * range and block (credit earned by real users' verifications does not reopen an attacker's dirty
 * cells), then the country's room, and once the country has none only a clean block may borrow
 * from the overdraft. A single range is bounded by RATE_LIMIT_SEND_PER_PREFIX meanwhile.
 * The country's base is the larger of FRAUD_GUARD_COUNTRY_BASE and a quarter of its expected
 * hourly volume: declared (ARGV[46]) or learned (the busiest hour of verified codes in KEYS[20]).
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
 * Every real send also counts its channel in the stats hash (`{country}:via:{channel}`), and a
 * switch its new channel (`{country}:switch:{channel}` for the caller's, `{country}:fallback:{channel}`
 * for the service's own): the dashboard's channel mix and fallbacks. Two more HINCRBYs in this
 * script, no round trip. revoke-code takes back `via` with `sent` (nobody received that code); a
 * switch stays counted as asked for.
 * (Comments live here, not in the Lua text: the text is shipped in the Worker bundle and to Redis.)
 */
export const ADMIT_SEND_SCRIPT = `
local function route_evidence()
  if ARGV[57] == '' then return '' end
  local out = {}
  local weight = tonumber(ARGV[56])
  for provider in string.gmatch(ARGV[57], '%S+') do
    local i = #out + 1
    local fields = {provider .. ':s', provider .. ':d', provider .. ':f', provider .. ':v'}
    local a = redis.call('HMGET', KEYS[23], unpack(fields))
    local b = redis.call('HMGET', KEYS[24], unpack(fields))
    local line = provider
    for j = 1, 4 do
      line = line .. ' ' .. tostring(tonumber(a[j] or '0') + tonumber(b[j] or '0') * weight)
    end
    local openUntil = tonumber(redis.call('HGET', KEYS[25 + i], 'u') or '0')
    out[i] = line .. ' ' .. (openUntil > tonumber(ARGV[39]) and '1' or '0')
  end
  return table.concat(out, '|')
end
local switching = ARGV[42] ~= ''
if switching then
  local rec = redis.call('HMGET', KEYS[1], 's', 'c', 'e', 'f', 'a')
  if rec[1] ~= 'pending' or redis.call('GET', KEYS[18]) ~= ARGV[36]
      or tonumber(rec[3]) <= tonumber(ARGV[39]) or (ARGV[45] == '1' and not rec[4]) then
    return {'not_found', 0}
  end
  if tonumber(rec[5] or '0') >= tonumber(ARGV[55]) then
    return {'used_up', 0}
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
  if ARGV[59] ~= '' then
    redis.call('HINCRBY', KEYS[4], ARGV[59] .. stat .. field, 1)
  end
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
local trustedTag = ARGV[50]
local tier = '0'
local shadow = ''
local mark = {false, false}
if not test and trustedTag == '' then
  mark = redis.call('HMGET', KEYS[19], 'w', 'o')
end
local resend = mark[1] and tonumber(ARGV[25]) - tonumber(mark[1]) <= 1
local weight = tonumber(ARGV[23])
local credit = tonumber(ARGV[32])
local function window(key, before, fields)
  local a = redis.call('HMGET', key, unpack(fields))
  local b = redis.call('HMGET', before, unpack(fields))
  local values = {}
  for i = 1, #fields do
    values[i] = tonumber(a[i] or '0') + tonumber(b[i] or '0') * weight
  end
  return values
end
local function unverified(values, i)
  return math.max(0, values[i] - values[i + 1])
end
local function room(values, i, base)
  return unverified(values, i) < tonumber(base) + credit * values[i + 1]
end
if mode ~= 'off' then
  local refusal = nil
  if trustedTag ~= '' then
    local key = window(KEYS[21], KEYS[22], {trustedTag .. ':s', trustedTag .. ':v'})
    if not room(key, 1, ARGV[52]) then
      refusal = 'trusted'
    else
      tier = 't'
    end
  else
    local cells = window(KEYS[15], KEYS[16],
      {range .. ':s', range .. ':v', block .. ':s', block .. ':v', 'c:s', 'c:v', 'o:s', 'o:v', 'h:s', 'h:v'})
    local expected = tonumber(ARGV[46])
    local days = tonumber(ARGV[48])
    local today = tonumber(ARGV[47])
    local peakDays = {}
    for d = 0, days - 1 do
      peakDays[d + 1] = tostring(today - d)
    end
    for _, peak in ipairs(redis.call('HMGET', KEYS[20], unpack(peakDays))) do
      expected = math.max(expected, tonumber(peak or '0'))
    end
    local countryBase = math.max(tonumber(ARGV[30]), math.ceil(expected / 4))
    if resend then
      if not room(cells, 5, countryBase) then refusal = 'country' end
    elseif unverified(cells, 5) < countryBase then
      tier = '0'
    elseif not room(cells, 1, ARGV[28]) then
      refusal = 'range'
    elseif not room(cells, 3, ARGV[29]) then
      refusal = 'block'
    elseif room(cells, 5, countryBase) then
      tier = '0'
    elseif unverified(cells, 3) < 1 and room(cells, 7, ARGV[31]) then
      tier = '1'
    else
      refusal = 'country'
    end
    if not refusal and globalCount >= tonumber(ARGV[20]) then
      local verified = cells[6]
      if verified < unverified(cells, 5) or verified < tonumber(ARGV[33]) then
        refusal = 'global'
      end
    end
    if refusal and mode == 'enforce' and ARGV[49] == '1' then
      if room(cells, 9, ARGV[51]) then
        refusal = nil
        tier = 'c'
      else
        refusal = 'challenged'
      end
    end
  end
  if refusal then
    if mode == 'enforce' then
      count(ARGV[53] == '1' and 'challenged:' or 'refused:', refusal)
      return {'limited', refusal, 'guard'}
    end
    count('shadow:', refusal)
    shadow = refusal
    if trustedTag ~= '' then tier = 't' else tier = '0' end
  end
end
if cooldown > 0 then
  redis.call('SET', KEYS[2], '1', 'EX', cooldown)
end
if switching then
  redis.call('HDEL', KEYS[1], 'm', 'f', 'pv', 'rk')
else
  redis.call('HSET', KEYS[1], 'a', 0, 's', 'pending', 'n', ARGV[54])
  if ARGV[44] ~= '' then
    redis.call('HSET', KEYS[1], 'f', ARGV[44])
  end
end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'c', ARGV[39], 'e', ARGV[40], 'k', ARGV[43],
  't', test and 1 or 0, 'w', ARGV[25], 'o', tier, 'r', ARGV[26], 'b', ARGV[27], 'x', ARGV[37])
if ARGV[41] ~= '' then
  redis.call('HSET', KEYS[1], 'p', ARGV[41])
end
redis.call('EXPIRE', KEYS[1], ARGV[35])
redis.call('SET', KEYS[18], ARGV[36], 'EX', ARGV[35])
for i = 1, 5 do
  redis.call('INCR', KEYS[3 + 2 * i])
  redis.call('PEXPIRE', KEYS[3 + 2 * i], ARGV[7 + 3 * i])
end
if ARGV[58] == '1' then
  redis.call('HINCRBY', KEYS[25], country .. ':failover', 1)
  redis.call('EXPIRE', KEYS[25], ARGV[6])
end
if test then
  count('', 'test_sent')
  return {'issued', '', tier, '', route_evidence()}
end
count('', 'sent')
count('via:', ARGV[43])
if switching then
  count(ARGV[45] == '1' and 'fallback:' or 'switch:', ARGV[43])
end
if mode == 'off' then
  return {'issued', '', tier, '', route_evidence()}
end
if tier == 't' then
  redis.call('HSET', KEYS[1], 'q', trustedTag)
  redis.call('HINCRBY', KEYS[21], trustedTag .. ':s', 1)
  redis.call('EXPIRE', KEYS[21], ARGV[24])
  redis.call('HINCRBY', KEYS[15], 't:s', 1)
  redis.call('EXPIRE', KEYS[15], ARGV[24])
  return {'issued', shadow, tier, 't', route_evidence()}
end
if tier == 'c' then
  redis.call('HINCRBY', KEYS[15], 'h:s', 1)
  redis.call('EXPIRE', KEYS[15], ARGV[24])
  return {'issued', shadow, tier, 'h', route_evidence()}
end
if resend then
  redis.call('HSET', KEYS[1], 'w', mark[1], 'o', mark[2])
  redis.call('HINCRBY', KEYS[15], 'c:s', 1)
  redis.call('EXPIRE', KEYS[15], ARGV[24])
  return {'issued', shadow, tier, 'c', route_evidence()}
end
redis.call('HINCRBY', KEYS[15], range .. ':s', 1)
redis.call('HINCRBY', KEYS[15], block .. ':s', 1)
redis.call('HINCRBY', KEYS[15], 'c:s', 1)
if tier == '1' then
  redis.call('HINCRBY', KEYS[15], 'o:s', 1)
end
redis.call('EXPIRE', KEYS[15], ARGV[24])
redis.call('DEL', KEYS[19])
redis.call('HSET', KEYS[19], 'w', ARGV[25], 'o', tier)
redis.call('EXPIRE', KEYS[19], ARGV[24])
return {'issued', shadow, tier, tier == '1' and 'rbco' or 'rbc', route_evidence()}
`;
