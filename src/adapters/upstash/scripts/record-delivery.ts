/**
 * Records one delivery-status callback: only for a message this service sent and still tracks,
 * de-duplicates it, refuses a reused V2 nonce, moves the message's state forward (never back) and
 * counts the message's final outcome once, all in one atomic step. Nothing is written unless the
 * answer is `recorded` or `stale`.
 *
 * KEYS[1] seen marker of MessageUUID + Sequence   KEYS[2] delivery record of the message   KEYS[3] stats hash of the hour
 * KEYS[4] (only for V2 signatures) nonce marker
 * ARGV[1] status        ARGV[2] sequence          ARGV[3] error code ('' = none)   ARGV[4] updated at (epoch ms)
 * ARGV[5] TTL (s) of the nonce marker
 * ARGV[6] final outcome to count, `delivered` or `failed` ('' = not a final status)
 * ARGV[7] TTL (s) of the stats hash   ARGV[8] the message's MessageUUID   ARGV[9] now (epoch ms)
 * ARGV[10] the provider whose signature vouched for the report
 * ARGV[11] routing's stats hash of the hour (a key passed as an argument: KEYS[4] is optional)
 * Returns {'recorded', sequence} | {'duplicate', 0} | {'stale', recorded_sequence} | {'nonce_reused', 0} | {'untracked', 0},
 *         the first three followed by {fallback ticket, sealed binding} when a fallback is owed (below)
 *         and, sixth, the provider that failed (position 5 left nil);
 *         `recorded` then (position 5, after two nils when no fallback is owed) the message's sealed
 *         event context `ev` when track-message stored one (docs/events.md: `delivery.updated`)
 *
 * The delivery record is the gate, and only for the provider that sent the message (`p`): track-message wrote it when the provider accepted the SMS, with
 * a TTL no callback extends. Without it (a message someone else sent, or a replay after the record
 * expired) nothing is read further and nothing is written, so no TTL running out can make an old
 * callback count again. Seen markers expire a second before the record (its remaining PTTL less
 * 1 s: the clock moves between reading the PTTL and setting the marker's, by a millisecond or more
 * on a busy server), so none outlives the gate it belongs to; a repeat in that last second is still
 * harmless, as the record's sequence and `counted` field refuse it.
 *
 * Order matters: the seen marker is read before the nonce is taken so that Plivo re-sending a
 * callback is a harmless duplicate, and the nonce is taken before the seen marker is written so
 * that a replayed V2 signature over a forged MessageUUID + Sequence leaves no marker behind that
 * would later swallow the genuine callback. One final outcome per message: HSETNX on `counted`
 * keeps a second final status (a repeat with a new sequence) from counting the message twice. The
 * outcome is counted in the country recorded at send time, next to the message's `sent`.
 *
 * Routing (docs/routing.md): a final outcome also counts for the provider that sent the message
 * (`p`) in the route's conversion cells it was sent in (`rk`, written by track-message, a key this
 * script did not declare; a cell already expired is not recreated), as `{provider}:d` or `:f`,
 * and in routing's hourly `{country}:{channel}:{provider}:delivered|failed` (ARGV[11]).
 *
 * A fallback owed (`auto`'s call, or the failover to the route's next provider): when the message's counted outcome is `failed`, the verification it
 * carried the code of (`v`, written by track-message) is read: still pending, unexpired, its
 * current message this one (`m`: not switched since), and still holding its fallback ticket `f`.
 * Then the reply carries the ticket and the sealed binding, for every report of the message
 * (a duplicate too), until the service's switch takes `f` (admit-send): a report the Worker
 * answered 503, because the call could not be admitted yet, is retried by Plivo and the call is
 * not lost; a second report after the call finds no `f`. This script only reads the
 * verification. `v` is a key this script did not declare, like read-verification's delivery
 * record, because the Worker cannot know it before this round trip.
 */
export const RECORD_DELIVERY_SCRIPT = `
local function answer(kind, value)
  local counted = redis.call('HGET', KEYS[2], 'counted')
  if not counted or string.sub(counted, -7) ~= ':failed' then
    return {kind, value}
  end
  local owner = redis.call('HGET', KEYS[2], 'v')
  if not owner then
    return {kind, value}
  end
  local rec = redis.call('HMGET', owner, 's', 'e', 'm', 'f', 'x')
  if rec[1] ~= 'pending' or tonumber(rec[2]) <= tonumber(ARGV[9]) or rec[3] ~= ARGV[8] or not rec[4] then
    return {kind, value}
  end
  return {kind, value, rec[4], rec[5], false, redis.call('HGET', KEYS[2], 'p') or 'plivo'}
end
local remaining_ms = redis.call('PTTL', KEYS[2])
if remaining_ms == -2 then
  return {'untracked', 0}
end
-- Only the provider that sent the message reports on it (records from before 'p' was kept: Plivo's).
if (redis.call('HGET', KEYS[2], 'p') or 'plivo') ~= ARGV[10] then
  return {'untracked', 0}
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return answer('duplicate', 0)
end
if KEYS[4] and not redis.call('SET', KEYS[4], '1', 'EX', ARGV[5], 'NX') then
  return {'nonce_reused', 0}
end
if remaining_ms > 0 then
  redis.call('SET', KEYS[1], '1', 'PX', math.max(1, remaining_ms - 1000))
else
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[5])
end
local sequence = tonumber(ARGV[2])
local recorded = tonumber(redis.call('HGET', KEYS[2], 'sequence') or '-1')
if sequence <= recorded then
  return answer('stale', recorded)
end
redis.call('HSET', KEYS[2], 'status', ARGV[1], 'sequence', sequence, 'errorCode', ARGV[3], 'updatedAt', ARGV[4])
if ARGV[6] ~= '' then
  local field = (redis.call('HGET', KEYS[2], 'country') or 'XX') .. ':' .. ARGV[6]
  if redis.call('HSETNX', KEYS[2], 'counted', field) == 1 then
    redis.call('HINCRBY', KEYS[3], field, 1)
    redis.call('EXPIRE', KEYS[3], ARGV[7])
    local routed = redis.call('HMGET', KEYS[2], 'p', 'rk', 'ch')
    if routed[2] then
      if redis.call('EXISTS', routed[2]) == 1 then
        redis.call('HINCRBY', routed[2], routed[1] .. ':' .. string.sub(ARGV[6], 1, 1), 1)
      end
      local country = redis.call('HGET', KEYS[2], 'country') or 'XX'
      redis.call('HINCRBY', ARGV[11], country .. ':' .. routed[3] .. ':' .. routed[1] .. ':' .. ARGV[6], 1)
      redis.call('EXPIRE', ARGV[11], ARGV[7])
    end
  end
end
local reply = answer('recorded', sequence)
local ev = redis.call('HGET', KEYS[2], 'ev')
if ev then
  reply[3] = reply[3] or false
  reply[4] = reply[4] or false
  reply[5] = ev
end
return reply
`;
