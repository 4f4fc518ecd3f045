import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import type { Config, Rate } from '../../config/config.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import { sendLimitPrefix } from './keys.ts';
import { describeStoreError } from './store-call.ts';

/** The send-side limits, checked in this order; the first that trips names the scope. */
export const SEND_SCOPES = ['phone', 'ip', 'prefix', 'country', 'global'] as const;
export type SendScope = (typeof SEND_SCOPES)[number];

/** Identifiers per scope. Phone, IP and prefix arrive as HMAC tags: Redis never sees them in clear. */
export type SendIdentifiers = Record<SendScope, string>;

export type SendLimitVerdict =
  | { allowed: true }
  | { allowed: false; scope: SendScope; retryAfterSeconds: number };

export interface SendLimiter {
  check(identifiers: SendIdentifiers): Promise<SendLimitVerdict>;
}

const rateOf: Record<SendScope, (limits: Config['rateLimits']) => Rate> = {
  phone: (limits) => limits.sendPerPhone,
  ip: (limits) => limits.sendPerIp,
  prefix: (limits) => limits.sendPerPrefix,
  country: (limits) => limits.sendPerCountry,
  global: (limits) => limits.sendGlobal,
};

// @upstash/ratelimit remembers blocked identifiers in a Map so a caller that is already over its
// limit costs no round trip. The Map must outlive the request, so it lives here, one per scope
// and key prefix; the Ratelimit objects themselves are built per request around the per-request
// Redis client (a module-level client would share promises across requests).
const blockedCaches = new Map<string, Map<string, number>>();
const MAX_CACHED_BLOCKS = 10_000;

function blockedCache(name: string): Map<string, number> {
  let cache = blockedCaches.get(name);
  if (!cache) {
    cache = new Map();
    blockedCaches.set(name, cache);
  }
  // Bounded: a flood of distinct identifiers must not grow an isolate's memory without limit.
  if (cache.size > MAX_CACHED_BLOCKS) cache.clear();
  return cache;
}

export function createSendLimiter(
  redis: Redis,
  config: Pick<Config, 'rateLimits' | 'store'>,
  waitUntil: (promise: Promise<unknown>) => void,
  countRoundTrip: () => void,
  nowMs: () => number,
): SendLimiter {
  const caches = SEND_SCOPES.map((scope) => {
    const rate = rateOf[scope](config.rateLimits);
    return blockedCache(`${sendLimitPrefix(config.store.keyPrefix, scope)}:${rate.limit}/${rate.window}`);
  });
  const limiters = SEND_SCOPES.map((scope, index) => {
    const rate = rateOf[scope](config.rateLimits);
    return new Ratelimit({
      redis,
      prefix: sendLimitPrefix(config.store.keyPrefix, scope),
      limiter: Ratelimit.slidingWindow(rate.limit, rate.window),
      ephemeralCache: caches[index],
      // Its own timeout resolves "success: true" (fail open); ours must come first and throw, so
      // it is set well past the client's abort signal and a "timeout" reason is still refused.
      timeout: config.store.timeoutMs * 2,
      analytics: false,
      enableProtection: false,
    });
  });

  return {
    async check(identifiers) {
      // The library consults its cache per limiter; asking the other four would still cost a
      // round trip. One known block is enough to refuse without touching the store.
      const now = nowMs();
      for (const [index, scope] of SEND_SCOPES.entries()) {
        // The library keys its cache by `${prefix}:${identifier}`.
        const key = `${sendLimitPrefix(config.store.keyPrefix, scope)}:${identifiers[scope]}`;
        const blockedUntil = caches[index]?.get(key);
        if (blockedUntil !== undefined && blockedUntil > now) {
          return {
            allowed: false,
            scope,
            retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
          };
        }
      }
      // Started in the same tick, the scripts leave in one auto-pipelined request: one round trip
      // for all five limits (none when every identifier is already known to be blocked).
      let responses: Awaited<ReturnType<Ratelimit['limit']>>[];
      try {
        responses = await Promise.all(
          limiters.map((limiter, index) => limiter.limit(identifiers[SEND_SCOPES[index] as SendScope])),
        );
      } catch (error) {
        countRoundTrip();
        throw new DependencyUnavailableError('store', `rate limiter: ${describeStoreError(error)}`);
      }
      if (responses.some((response) => response.reason !== 'cacheBlock')) countRoundTrip();
      for (const response of responses) waitUntil(response.pending);

      if (responses.some((response) => response.reason === 'timeout')) {
        // Fail closed: a limiter that could not answer has not said yes.
        throw new DependencyUnavailableError('store', 'rate limiter timed out');
      }
      const index = responses.findIndex((response) => !response.success);
      if (index === -1) return { allowed: true };
      const blocked = responses[index];
      return {
        allowed: false,
        scope: SEND_SCOPES[index] as SendScope,
        retryAfterSeconds: Math.max(1, Math.ceil(((blocked?.reset ?? 0) - nowMs()) / 1000)),
      };
    },
  };
}
