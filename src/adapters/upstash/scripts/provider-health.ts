/**
 * One provider's breaker (keys.ts `breakerKey`), as a Lua function other scripts include so that
 * its state moves in store updates that already happen (track-message, after an accepted send)
 * or, when no provider accepted, in record-provider-health, after the response.
 *
 * note_provider(key, ok, now, windowMs, minRequests, errorShare, pauseMs, ttl): counts one request
 * (`ok` false: a timeout, a network error or a 5xx) in the breaker's fixed window, restarted when
 * it ran out. Closed: it opens (`u` = now + pause, `h` = 1, counts restarted) once the window holds
 * at least minRequests requests and errorShare of them failed. Open (`u` in the future): requests
 * that still reach the provider (every other one failed) are only counted. Half-open (`h` and `u`
 * past): its first answer decides, a success closes it (`h` dropped), a failure reopens it for
 * another pause. admit-send reads `u` only.
 */
export const NOTE_PROVIDER_LUA = `
local function note_provider(key, ok, now, windowMs, minRequests, errorShare, pauseMs, ttl)
  local b = redis.call('HMGET', key, 'ws', 'a', 'e', 'u', 'h')
  local started = tonumber(b[1] or '0')
  local requests = tonumber(b[2] or '0')
  local errors = tonumber(b[3] or '0')
  local openUntil = tonumber(b[4] or '0')
  if now >= started + windowMs then
    started, requests, errors = now, 0, 0
  end
  requests = requests + 1
  if not ok then errors = errors + 1 end
  if b[5] == '1' and now >= openUntil then
    if ok then
      redis.call('HDEL', key, 'h')
      openUntil = 0
    else
      openUntil = now + pauseMs
      started, requests, errors = now, 0, 0
    end
  elseif now >= openUntil and requests >= minRequests and errors >= errorShare * requests then
    openUntil = now + pauseMs
    started, requests, errors = now, 0, 0
    redis.call('HSET', key, 'h', 1)
  end
  redis.call('HSET', key, 'ws', started, 'a', requests, 'e', errors, 'u', openUntil)
  redis.call('EXPIRE', key, ttl)
end
`;

/**
 * Counts one request's provider answers in their breakers, when no provider accepted the send or
 * its tracking is off (an accepted, tracked send is counted by track-message); a send that went on
 * to another provider is counted as a failover in the same step (count-failover's fields), so
 * the request's work after the response stays one round trip.
 *
 * KEYS[1] stats hash of the hour   KEYS[1 + i] the breaker of the request's i-th provider answer
 * ARGV[1] now (epoch ms)   ARGV[2] breaker window (ms)   ARGV[3] minimum requests
 * ARGV[4] error share      ARGV[5] pause (ms)            ARGV[6] TTL (s)
 * ARGV[7] the country of a failover ('' = not one)   ARGV[8] its attempts of unknown fate
 * ARGV[9] TTL (s) of the stats hash   ARGV[9 + i] `ok` or `error`, the i-th answer
 * Returns {'noted', number of answers}
 */
export const RECORD_PROVIDER_HEALTH_SCRIPT = `${NOTE_PROVIDER_LUA}
for i = 2, #KEYS do
  note_provider(KEYS[i], ARGV[8 + i] == 'ok', tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
    tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6])
end
if ARGV[7] ~= '' then
  redis.call('HINCRBY', KEYS[1], ARGV[7] .. ':route_failover', 1)
  if tonumber(ARGV[8]) > 0 then
    redis.call('HINCRBY', KEYS[1], ARGV[7] .. ':route_unknown_fate', ARGV[8])
  end
  redis.call('EXPIRE', KEYS[1], ARGV[9])
end
return {'noted', #KEYS - 1}
`;
