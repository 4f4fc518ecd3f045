/**
 * Counts one send that went on to another provider on its route, in the hour's stats hash next to
 * the country's `sent`: `{country}:route_failover` by one, `{country}:route_unknown_fate` by the
 * attempts whose fate is unknown (a provider that timed out or answered 5xx before the next one
 * was asked: the user may hold the same code twice).
 *
 * KEYS[1] stats hash of the hour
 * ARGV[1] country   ARGV[2] attempts of unknown fate   ARGV[3] TTL (s) of the stats hash
 * Returns {'counted', 0}
 */
export const COUNT_FAILOVER_SCRIPT = `
redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':route_failover', 1)
if tonumber(ARGV[2]) > 0 then
  redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':route_unknown_fate', ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {'counted', 0}
`;
