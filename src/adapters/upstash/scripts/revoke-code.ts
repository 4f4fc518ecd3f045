/**
 * Plivo refused the SMS, so nobody received this code: take back everything admit-send took for
 * it (the `sent` stats count, one count in each plain limit, and the send in its guard cells when
 * it was the number's counted send), remove its verification, and lift the number's cooldown and
 * active pointer, but only if a newer verification has not replaced it meanwhile.
 * What the send charged comes from admit-send (`charged`): a counted send's range, block and
 * country (and overdraft) counts; a resend's country count alone (it took nothing from the range
 * and block); a challenged send's `h:s`; a trusted send's count in its key's cell and `t:s`. Each
 * is given back, so refused sends (nobody received them) fill no budget. A counted send
 * that a newer one replaced keeps its count and the number's guard mark: the newer send was
 * admitted as a resend on that count.
 * The keys are the very ones admit-send wrote (the Worker kept them across the send), and each
 * still exists: their TTLs are at least the code's lifetime, the send took seconds. A key that is
 * gone is left alone, never recreated with a negative count.
 *
 * KEYS[1] verification record   KEYS[2] cooldown key   KEYS[3] stats hash of the hour it was issued in
 * KEYS[4] guard hash the send counted in          KEYS[5..9] the plain limits' windows it counted in
 * KEYS[10] the number's active pointer   KEYS[11] the number's guard mark
 * KEYS[12] the trusted keys' cells of the window the send counted in
 * ARGV[1] tag of the verification that was not delivered   ARGV[2] stats field, `{country}:sent`
 * ARGV[3] range tag   ARGV[4] block
 * ARGV[5] what admit-send charged: `rbc`, `rbco`, `c` (a resend), `h`, `t` or ''
 * ARGV[6] the trusted key's tag (`t` only)   ARGV[7] the app's stats field, `@{app}:sent` ('' without APPS)
 * ARGV[8] the channel field admit-send counted with `sent` (`{country}:via:{channel}`, the
 *         dashboard's channel mix), taken back alike so channels add up to `sent`
 * Returns 1 when it was the number's active verification, 0 when a newer one had replaced it.
 */
export const REVOKE_CODE_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
end
if ARGV[7] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[7]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[7], -1)
end
if ARGV[8] and ARGV[8] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[8]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[8], -1)
end
local active = redis.call('GET', KEYS[10]) == ARGV[1]
local charged = ARGV[5]
local counted = charged == 'rbc' or charged == 'rbco'
if counted and active then
  redis.call('DEL', KEYS[11])
end
local function giveBack(key, field)
  if redis.call('HEXISTS', key, field) == 1 then
    redis.call('HINCRBY', key, field, -1)
  end
end
if counted and active then
  giveBack(KEYS[4], 'r:' .. ARGV[3] .. ':s')
  giveBack(KEYS[4], 'b:' .. ARGV[4] .. ':s')
  giveBack(KEYS[4], 'c:s')
  if charged == 'rbco' then
    giveBack(KEYS[4], 'o:s')
  end
elseif charged == 'c' then
  giveBack(KEYS[4], 'c:s')
elseif charged == 'h' then
  giveBack(KEYS[4], 'h:s')
elseif charged == 't' then
  giveBack(KEYS[4], 't:s')
  giveBack(KEYS[12], ARGV[6] .. ':s')
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
