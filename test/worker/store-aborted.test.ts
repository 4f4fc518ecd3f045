import { env } from 'cloudflare:workers';
import { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import { createUpstashSendAdmission } from '../../src/adapters/upstash/send-admission.ts';
import { createStoreCalls } from '../../src/adapters/upstash/store-call.ts';
import { createUpstashVerificationStore } from '../../src/adapters/upstash/verification-store.ts';
import { parseRate } from '../../src/config/rate.ts';
import { DependencyUnavailableError } from '../../src/otp/dependency-error.ts';

const bindings = env as unknown as Record<string, string>;

const policy = {
  maxAttempts: 5,
  maxFailures: 100,
  maxFailuresPerClient: 10,
  failureWindowSeconds: 86_400,
  networkTag: 'ip-tag',
  maxVerifiesPerIp: 60,
  ipWindowSeconds: 600,
  hourBucket: '2026112200',
  guardWindowSeconds: 3600,
  nowMs: Date.UTC(2026, 10, 22),
};

const admissionSettings = {
  keyPrefix: 'aborted-test:',
  rates: {
    phone: parseRate('5/1h'),
    ip: parseRate('10/1h'),
    prefix: parseRate('15/1h'),
    country: parseRate('300/1h'),
    global: parseRate('1000/1h'),
  },
  guard: {
    mode: 'enforce',
    windowSeconds: 3600,
    rangeBase: 2,
    blockBase: 5,
    countryBase: 15,
    overdraftBase: 10,
    credit: 1,
    healthyMinVerified: 5,
    expected: new Map(),
    challengedBase: 150,
    trustedBase: 200,
  },
  routing: { windowSeconds: 3600 },
} as const;

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
      const calls = createStoreCalls(redis, { storeRoundTrips: 0 });
      const store = createUpstashVerificationStore(calls, 'aborted-test:');
      const ref = {
        verificationTag: 'verification-tag',
        phoneTag: 'phone-tag',
        country: 'US',
        channel: 'sms',
      } as const;
      await expect(
        store.check(ref, { codeHash: 'guess-tag', transactionTag: undefined }, policy),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.read(ref, policy)).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.cancel(ref, policy)).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(
        createUpstashSendAdmission(calls, admissionSettings).admit({
          phoneTag: 'phone-tag',
          verificationTag: 'verification-tag',
          codeHash: 'code-tag',
          sealedBinding: 'sealed',
          transactionTag: undefined,
          testNumber: false,
          maxFailuresPerClient: 10,
          networkTag: 'ip-tag',
          cells: { channel: 'sms', country: 'US', rangeTag: 'range-tag', block: '+1415555' },
          standing: { kind: 'plain', challengeOnRefusal: false },
          maxAttempts: 5,
          ttlSeconds: 300,
          resendCooldownSeconds: 60,
          maxFailures: 20,
          nowMs: policy.nowMs,
          hourBucket: '2026112200',
        }),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
    }
  });
});
