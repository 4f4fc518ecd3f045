/**
 * Starts tracking an SMS the provider accepted: its delivery record, keyed by the provider's
 * message id, holds the recipient's country (never the number) and when it was sent. Delivery
 * reports count only while this record exists (record-delivery answers `untracked` otherwise), and
 * its TTL, set here and never extended, is how long they may arrive. The verification the SMS
 * carries the code of learns the message id (`m`), so its status can show the delivery status;
 * a verification already gone is not recreated. The record names the verification's key (`v`)
 * the other way round, so a report that the SMS failed can find an `auto` verification to call.
 *
 * KEYS[1] delivery record of the message   KEYS[2] the verification record
 * ARGV[1] country (ISO 3166-1 alpha-2, `XX` when none)   ARGV[2] sent at (epoch ms)   ARGV[3] TTL (s)
 * ARGV[4] the message id   ARGV[5] the sealed event context ('' = events off), kept as `ev` for
 * record-delivery's `delivery.updated` (docs/events.md)
 * Returns {'tracked', 0}
 */
export const TRACK_MESSAGE_SCRIPT = `
redis.call('HSET', KEYS[1], 'country', ARGV[1], 'sentAt', ARGV[2], 'v', KEYS[2])
if ARGV[5] and ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'ev', ARGV[5])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'm', ARGV[4])
end
return {'tracked', 0}
`;
