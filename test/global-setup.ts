import type { TestProject } from 'vitest/node';
import { startCallbackRelay } from '../local/callback-relay.ts';
import { startPlivoSandbox } from '../local/plivo-sandbox/server.ts';
import { startThrowawayRedis } from '../local/redis-process.ts';
import { startRedisRestServer } from '../local/redis-rest/server.ts';
import { startTurnstileStandIn } from '../local/turnstile-siteverify.ts';
import { buildPages } from '../scripts/build-pages.ts';
import { generateReceiptKey } from '../scripts/keygen.ts';

export const TEST_REDIS_REST_TOKEN = 'test-redis-rest-token';
export const TEST_PLIVO_AUTH_ID = 'MATESTACCOUNT00000000';
export const TEST_PLIVO_AUTH_TOKEN = 'test-plivo-auth-token';

declare module 'vitest' {
  export interface ProvidedContext {
    redisRestUrl: string;
    redisRestToken: string;
    plivoUrl: string;
    plivoAuthId: string;
    plivoAuthToken: string;
    receiptSigningKey: string;
    /** Where the sandbox's delivery callbacks can be sent and read back (local/callback-relay.ts). */
    callbackRelayUrl: string;
    turnstileUrl: string;
  }
}

// Runs in Node before the workerd tests: the real local stack on free ports. Every test file
// isolates itself with its own key prefix and phone numbers, so one stack serves them all.
export default async function setup(project: TestProject) {
  // The pages' static assets (test/wrangler.test.toml's [assets]), as wrangler's [build] makes them.
  await buildPages();
  const redis = await startThrowawayRedis();
  const rest = await startRedisRestServer({ token: TEST_REDIS_REST_TOKEN, redisUrl: redis.url });
  const plivo = await startPlivoSandbox({
    authId: TEST_PLIVO_AUTH_ID,
    authToken: TEST_PLIVO_AUTH_TOKEN,
    callbackDelayMs: 50,
  });
  const turnstile = await startTurnstileStandIn();
  project.provide('redisRestUrl', rest.url);
  project.provide('redisRestToken', TEST_REDIS_REST_TOKEN);
  project.provide('plivoUrl', plivo.url);
  project.provide('plivoAuthId', TEST_PLIVO_AUTH_ID);
  project.provide('plivoAuthToken', TEST_PLIVO_AUTH_TOKEN);
  const relay = await startCallbackRelay();
  project.provide('callbackRelayUrl', relay.url);
  project.provide('turnstileUrl', turnstile.url);
  project.provide('receiptSigningKey', JSON.stringify((await generateReceiptKey()).privateJwk));
  return async () => {
    await turnstile.close();
    await plivo.close();
    await relay.close();
    await rest.close();
    await redis.stop();
  };
}
