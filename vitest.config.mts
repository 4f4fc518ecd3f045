import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { dropWorkerdConnectionNoise } from './test/workerd-output-filter.ts';

dropWorkerdConnectionNoise(process.stdout);
dropWorkerdConnectionNoise(process.stderr);

// The local stack's own protocol tests run in Node (they exercise the servers in local/ with the
// real clients), everything about the Worker runs inside workerd, and the `browser` project runs
// the Worker under wrangler dev for a real browser and the deploy scripts.
export default defineConfig({
  test: {
    // The Worker logs one JSON line per request; show them only for a test that failed.
    silent: 'passed-only',
    projects: [
      {
        test: {
          name: 'local',
          environment: 'node',
          include: ['test/local/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './test/wrangler.test.toml' },
            miniflare: {
              bindings: {
                ENVIRONMENT: 'test',
                UPSTASH_REDIS_REST_URL: inject('redisRestUrl'),
                UPSTASH_REDIS_REST_TOKEN: inject('redisRestToken'),
                PLIVO_BASE_URL: inject('plivoUrl'),
                PLIVO_AUTH_ID: inject('plivoAuthId'),
                PLIVO_AUTH_TOKEN: inject('plivoAuthToken'),
                PLIVO_SENDER: '+14155550100',
                // Twilio is configured in every test but named by no route unless a test sets
                // SMS_ROUTES / VOICE_ROUTES: the default route is Plivo alone.
                TWILIO_BASE_URL: inject('twilioUrl'),
                TWILIO_ACCOUNT_SID: inject('twilioAccountSid'),
                TWILIO_AUTH_TOKEN: inject('twilioAuthToken'),
                TWILIO_FROM: inject('twilioFrom'),
                TWILIO_VOICE_FROM: inject('twilioFrom'),
                TURNSTILE_SITEVERIFY_URL: inject('turnstileUrl'),
                OTP_SECRET: 'test-otp-secret-of-at-least-thirty-two-characters',
                RECEIPT_SIGNING_KEY: inject('receiptSigningKey'),
                RECEIPT_ISSUER: 'https://otp.test',
                RECEIPT_AUDIENCE: 'test-backend',
                // The events queue's consumer runs with these (test/worker/support/events.ts):
                // the local webhook inbox, retries 1, 2, 4 s apart. testEnv() leaves the URL out,
                // so only the files that ask for events produce any.
                EVENT_WEBHOOK_URL: inject('webhookInboxUrl'),
                EVENT_WEBHOOK_SECRETS: inject('webhookSecrets'),
                EVENT_WEBHOOK_RETRY_BASE_SECONDS: '1',
                EVENT_WEBHOOK_TIMEOUT_MS: '2000',
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['./test/global-setup.ts'],
          // Files run one after another: round-trip assertions read the REST server's global
          // counters, and the sandbox inbox is shared.
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        // The Worker as a browser and an operator meet it: each file starts the local stack and
        // `wrangler dev` itself (test/browser/support/dev-stack.ts) and drives it from Node, with
        // Debian's Chromium through playwright-core. Nothing here is skipped: no Chromium is a failure.
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
