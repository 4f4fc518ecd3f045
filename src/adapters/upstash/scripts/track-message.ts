import { NOTE_PROVIDER_LUA } from './provider-health.ts';

/**
 * Starts tracking an SMS the provider accepted: its delivery record, keyed by the provider's
 * message id, holds the recipient's country (never the number) and when it was sent. Delivery
 * reports count only while this record exists (record-delivery answers `untracked` otherwise), and
 * its TTL, set here and never extended, is how long they may arrive. The verification the SMS
 * carries the code of learns the message id (`m`), so its status can show the delivery status;
 * a verification already gone is not recreated. The record names the verification's key (`v`)
 * the other way round, so a report that the SMS failed can find an `auto` verification to call.
 *
 * Routing (docs/routing.md): the send counts as `{provider}:s` in the route's conversion cells of
 * its country and channel (KEYS[3], the window it was sent in) and in the hour's
 * `{country}:{channel}:{provider}:sent` (`route-stats:`); the record and the verification keep that cells
 * key (`rk`) and the provider (`p` / `pv`), so the report (record-delivery) and the approval
 * (check-code) credit the same provider in the same window. The send's provider answers are
 * counted in their breakers (provider-health.ts), the accepting one last: the breakers move in
 * this round trip, which happens anyway, after the response.
 *
 * KEYS[1] delivery record of the message   KEYS[2] the verification record
 * KEYS[3] the route's conversion cells, window of the send   KEYS[4] routing's stats hash of the hour
 * KEYS[5..] the breaker of each provider answer, in ARGV[16..]'s order
 * ARGV[1] country (ISO 3166-1 alpha-2, `XX` when none)   ARGV[2] sent at (epoch ms)   ARGV[3] TTL (s)
 * ARGV[4] the message id   ARGV[5] the sealed event context ('' = events off), kept as `ev` for
 * record-delivery's `delivery.updated` (docs/events.md)   ARGV[6] the provider that sent it (`p`:
 * only its reports count)
 * ARGV[7] the channel   ARGV[8] TTL (s) of the conversion cells   ARGV[9] TTL (s) of routing's stats hash
 * ARGV[10..15] the breaker's now, window (ms), minimum requests, error share, pause (ms), TTL (s)
 * ARGV[16..] `ok` or `error`, each provider answer
 * Returns {'tracked', 0}
 */
export const TRACK_MESSAGE_SCRIPT = `${NOTE_PROVIDER_LUA}
redis.call('HSET', KEYS[1], 'country', ARGV[1], 'sentAt', ARGV[2], 'v', KEYS[2], 'p', ARGV[6],
  'rk', KEYS[3], 'ch', ARGV[7])
if ARGV[5] and ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'ev', ARGV[5])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'm', ARGV[4], 'pv', ARGV[6], 'rk', KEYS[3])
end
redis.call('HINCRBY', KEYS[3], ARGV[6] .. ':s', 1)
redis.call('EXPIRE', KEYS[3], ARGV[8])
redis.call('HINCRBY', KEYS[4], ARGV[1] .. ':' .. ARGV[7] .. ':' .. ARGV[6] .. ':sent', 1)
redis.call('EXPIRE', KEYS[4], ARGV[9])
for i = 5, #KEYS do
  note_provider(KEYS[i], ARGV[11 + i] == 'ok', tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]),
    tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[15])
end
return {'tracked', 0}
`;
