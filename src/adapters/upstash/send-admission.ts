import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import type { Rate } from '../../config/rate.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import {
  type AdmissionOutcome,
  type Clock,
  SEND_SCOPES,
  type SendAdmission,
  type SendScope,
} from '../../otp/ports.ts';
import { sendLimitPrefix } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

export interface SendLimitSettings {
  readonly keyPrefix: string;
  /** The store client's own timeout; the library's must come later (see below). */
  readonly timeoutMs: number;
  readonly rates: Readonly<Record<SendScope, Rate>>;
}

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

/** Every send limit as an @upstash/ratelimit sliding window, all five checked in one round trip. */
export function createUpstashSendAdmission(
  redis: Redis,
  calls: StoreCalls,
  settings: SendLimitSettings,
  waitUntil: (promise: Promise<unknown>) => void,
  clock: Clock,
): SendAdmission {
  const caches = SEND_SCOPES.map((scope) => {
    const rate = settings.rates[scope];
    return blockedCache(`${sendLimitPrefix(settings.keyPrefix, scope)}:${rate.limit}/${rate.window}`);
  });
  const limiters = SEND_SCOPES.map((scope, index) => {
    const rate = settings.rates[scope];
    return new Ratelimit({
      redis,
      prefix: sendLimitPrefix(settings.keyPrefix, scope),
      limiter: Ratelimit.slidingWindow(rate.limit, rate.window),
      ephemeralCache: caches[index],
      // Its own timeout resolves "success: true" (fail open); ours must come first and throw, so
      // it is set well past the client's abort signal and a "timeout" reason is still refused.
      timeout: settings.timeoutMs * 2,
      analytics: false,
      enableProtection: false,
    });
  });

  return {
    async admit(identifiers): Promise<AdmissionOutcome> {
      // The library consults its cache per limiter; asking the other four would still cost a
      // round trip. One known block is enough to refuse without touching the store.
      const now = clock.nowMs();
      for (const [index, scope] of SEND_SCOPES.entries()) {
        // The library keys its cache by `${prefix}:${identifier}`.
        const key = `${sendLimitPrefix(settings.keyPrefix, scope)}:${identifiers[scope]}`;
        const blockedUntil = caches[index]?.get(key);
        if (blockedUntil !== undefined && blockedUntil > now) {
          return {
            kind: 'rate_limited',
            scope,
            retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
          };
        }
      }
      // Started in the same tick, the scripts leave in one auto-pipelined request: one round trip
      // for all five limits (none when every identifier is already known to be blocked).
      const responses = await calls.roundTrip(
        () =>
          Promise.all(
            limiters.map((limiter, index) => limiter.limit(identifiers[SEND_SCOPES[index] as SendScope])),
          ),
        {
          label: 'rate limiter',
          wentOut: (answers) => answers.some((response) => response.reason !== 'cacheBlock'),
        },
      );
      for (const response of responses) waitUntil(response.pending);

      if (responses.some((response) => response.reason === 'timeout')) {
        // Fail closed: a limiter that could not answer has not said yes.
        throw new DependencyUnavailableError('store', 'rate limiter timed out');
      }
      const index = responses.findIndex((response) => !response.success);
      if (index === -1) return { kind: 'admitted' };
      const blocked = responses[index];
      return {
        kind: 'rate_limited',
        scope: SEND_SCOPES[index] as SendScope,
        retryAfterSeconds: Math.max(1, Math.ceil(((blocked?.reset ?? 0) - clock.nowMs()) / 1000)),
      };
    },
  };
}
