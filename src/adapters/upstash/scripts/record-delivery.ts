/**
 * Records one delivery-status callback: de-duplicates it, refuses a reused V2 nonce, moves the
 * message's state forward (never back) and counts the message's final outcome once, all in one
 * atomic step. Nothing is written unless the answer is `recorded` or `stale`.
 *
 * KEYS[1] seen marker of MessageUUID + Sequence   KEYS[2] message state hash   KEYS[3] stats hash of the hour
 * KEYS[4] (only for V2 signatures) nonce marker
 * ARGV[1] status        ARGV[2] sequence          ARGV[3] error code ('' = none)   ARGV[4] updated at (epoch ms)
 * ARGV[5] TTL (s) of the seen marker, the nonce marker and the message state
 * ARGV[6] stats field to count, `{country}:delivered|failed` ('' = not a final status)
 * ARGV[7] TTL (s) of the stats hash
 * Returns {'recorded', sequence} | {'duplicate', 0} | {'stale', recorded_sequence} | {'nonce_reused', 0}
 *
 * Order matters: the seen marker is read before the nonce is taken so that Plivo re-sending a
 * callback is a harmless duplicate, and the nonce is taken before the seen marker is written so
 * that a replayed V2 signature over a forged MessageUUID + Sequence leaves no marker behind that
 * would later swallow the genuine callback. One final outcome per message: HSETNX on `counted`
 * keeps a second final status (a repeat with a new sequence) from counting the message twice.
 */
export const RECORD_DELIVERY_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'duplicate', 0}
end
if KEYS[4] and not redis.call('SET', KEYS[4], '1', 'EX', ARGV[5], 'NX') then
  return {'nonce_reused', 0}
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[5])
local sequence = tonumber(ARGV[2])
local recorded = tonumber(redis.call('HGET', KEYS[2], 'sequence') or '-1')
if sequence <= recorded then
  return {'stale', recorded}
end
redis.call('HSET', KEYS[2], 'status', ARGV[1], 'sequence', sequence, 'errorCode', ARGV[3], 'updatedAt', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
if ARGV[6] ~= '' and redis.call('HSETNX', KEYS[2], 'counted', ARGV[6]) == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[6], 1)
  redis.call('EXPIRE', KEYS[3], ARGV[7])
end
return {'recorded', sequence}
`;
