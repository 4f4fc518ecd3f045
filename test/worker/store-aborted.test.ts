import { env } from 'cloudflare:workers';
import { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import { createUpstashCodeStore } from '../../src/adapters/upstash/code-store.ts';
import { createStoreCalls } from '../../src/adapters/upstash/store-call.ts';
import { DependencyUnavailableError } from '../../src/otp/dependency-error.ts';

const bindings = env as unknown as Record<string, string>;

const policy = {
  maxAttempts: 5,
  maxFailures: 20,
  failureWindowSeconds: 86_400,
  ipTag: 'ip-tag',
  maxVerifiesPerIp: 60,
  ipWindowSeconds: 600,
  country: 'US',
  hourBucket: '2026112200',
};

// @upstash/redis turns a FIXED abort signal that fires into a fake successful result ("Aborted"
// or the signal's reason) instead of throwing. The service uses the function form, which throws;
// this proves that even the fake result, should a client ever be built the other way, is read as
// a store failure (503), never as data and never as "approved".
describe("the client's synthetic Aborted result", () => {
  it.each([
    ['auto-pipelined', true],
    ['single command', false],
  ])('is a store failure, never an outcome (%s client)', async (_, enableAutoPipelining) => {
    for (const signal of [AbortSignal.abort('Aborted'), AbortSignal.abort()]) {
      const redis = new Redis({
        url: bindings.UPSTASH_REDIS_REST_URL,
        token: bindings.UPSTASH_REDIS_REST_TOKEN,
        signal,
        retry: { retries: 0 },
        enableAutoPipelining,
        enableTelemetry: false,
      });
      const store = createUpstashCodeStore(createStoreCalls(redis, { storeRoundTrips: 0 }), 'aborted-test:');
      await expect(store.check('phone-tag', 'guess-tag', policy)).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      await expect(
        store.issue('phone-tag', 'code-tag', {
          ttlSeconds: 300,
          resendCooldownSeconds: 60,
          maxFailures: 20,
          country: 'US',
          hourBucket: '2026112200',
        }),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
    }
  });
});
