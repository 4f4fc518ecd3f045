/**
 * Starts tracking an SMS the provider accepted: its delivery record, keyed by the provider's
 * message id, holds the recipient's country (never the number) and when it was sent. Delivery
 * reports count only while this record exists (record-delivery answers `untracked` otherwise), and
 * its TTL, set here and never extended, is how long they may arrive.
 *
 * KEYS[1] delivery record of the message
 * ARGV[1] country (ISO 3166-1 alpha-2, `XX` when none)   ARGV[2] sent at (epoch ms)   ARGV[3] TTL (s)
 * Returns {'tracked', 0}
 */
export const TRACK_MESSAGE_SCRIPT = `
redis.call('HSET', KEYS[1], 'country', ARGV[1], 'sentAt', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {'tracked', 0}
`;
