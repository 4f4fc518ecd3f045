import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../local/stack.ts';
import { buildPages } from '../scripts/build-pages.ts';
import { generateReceiptKey, generateWebhookSecret } from '../scripts/keygen.ts';

export const TEST_REDIS_REST_TOKEN = 'test-redis-rest-token';
export const TEST_PLIVO_AUTH_ID = 'MATESTACCOUNT00000000';
export const TEST_PLIVO_AUTH_TOKEN = 'test-plivo-auth-token';
export const TEST_TWILIO_ACCOUNT_SID = 'AC7e570000000000000000000000000001';
export const TEST_TWILIO_AUTH_TOKEN = 'test-twilio-auth-token';
/** An API key of the sandbox's account, for tests that authenticate with one instead of the token. */
export const TEST_TWILIO_API_KEY = {
  sid: 'SK7e570000000000000000000000000001',
  secret: 'test-twilio-api-key-secret',
};

declare module 'vitest' {
  export interface ProvidedContext {
    redisRestUrl: string;
    redisRestToken: string;
    plivoUrl: string;
    plivoAuthId: string;
    plivoAuthToken: string;
    twilioUrl: string;
    twilioAccountSid: string;
    twilioAuthToken: string;
    twilioFrom: string;
    twilioApiKeySid: string;
    twilioApiKeySecret: string;
    receiptSigningKey: string;
    /** Where the sandbox's delivery callbacks can be sent and read back (local/stand-ins/callback-relay.ts). */
    callbackRelayUrl: string;
    turnstileUrl: string;
    /** Two more store regions' REST servers (own redis-servers, same token): docs/regions.md. */
    storeRegionUrls: Record<string, string>;
    /** The local webhook inbox's EVENT_WEBHOOK_URL (local/webhook-inbox/). */
    webhookInboxUrl: string;
    /** EVENT_WEBHOOK_SECRETS: two, as during a rotation. */
    webhookSecrets: string;
  }
}

// Runs in Node before the workerd tests: the real local stack on free ports. Every test file
// isolates itself with its own key prefix and phone numbers, so one stack serves them all.
export default async function setup(project: TestProject) {
  // The pages' static assets (test/wrangler.test.toml's [assets]), as wrangler's [build] makes them.
  await buildPages();
  const stack = await startLocalStack({
    redisRest: { token: TEST_REDIS_REST_TOKEN },
    // Only test/worker/store-regions.test.ts configures them; every other file runs on one store.
    storeRegions: { eu: { token: TEST_REDIS_REST_TOKEN }, ap: { token: TEST_REDIS_REST_TOKEN } },
    plivo: { authId: TEST_PLIVO_AUTH_ID, authToken: TEST_PLIVO_AUTH_TOKEN, callbackDelayMs: 50 },
    twilio: {
      accountSid: TEST_TWILIO_ACCOUNT_SID,
      authToken: TEST_TWILIO_AUTH_TOKEN,
      apiKeys: [TEST_TWILIO_API_KEY],
      callbackDelayMs: 50,
    },
    turnstile: true,
    callbackRelay: true,
    webhookInbox: { secrets: [generateWebhookSecret(), generateWebhookSecret()] },
  });
  project.provide('redisRestUrl', stack.redisRest.server.url);
  project.provide('redisRestToken', TEST_REDIS_REST_TOKEN);
  project.provide('plivoUrl', stack.plivo.url);
  project.provide('plivoAuthId', TEST_PLIVO_AUTH_ID);
  project.provide('plivoAuthToken', TEST_PLIVO_AUTH_TOKEN);
  project.provide('twilioUrl', stack.twilio.url);
  project.provide('twilioAccountSid', TEST_TWILIO_ACCOUNT_SID);
  project.provide('twilioAuthToken', TEST_TWILIO_AUTH_TOKEN);
  project.provide('twilioApiKeySid', TEST_TWILIO_API_KEY.sid);
  project.provide('twilioApiKeySecret', TEST_TWILIO_API_KEY.secret);
  project.provide('twilioFrom', stack.workerWiring.TWILIO_FROM ?? '');
  project.provide('callbackRelayUrl', stack.callbackRelay.url);
  project.provide('turnstileUrl', stack.turnstile.url);
  project.provide(
    'storeRegionUrls',
    Object.fromEntries(Object.entries(stack.storeRegions).map(([name, region]) => [name, region.server.url])),
  );
  project.provide('webhookInboxUrl', stack.webhookInbox.webhookUrl);
  project.provide('webhookSecrets', stack.workerWiring.EVENT_WEBHOOK_SECRETS ?? '');
  project.provide('receiptSigningKey', JSON.stringify((await generateReceiptKey()).privateJwk));
  return () => stack.close();
}
