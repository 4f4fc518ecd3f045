/**
 * Plivo refused the SMS, so nobody received this code: remove it (only if a newer code has not
 * replaced it meanwhile) and lift the cooldown it started.
 *
 * KEYS[1] code hash key   KEYS[2] cooldown key
 * ARGV[1] HMAC of the code that was not delivered
 * Returns 1 when removed, 0 when the stored code was another one.
 */
export const REVOKE_CODE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
`;
