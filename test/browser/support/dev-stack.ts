import { startPlivoSandbox } from '../../../local/plivo-sandbox/server.ts';
import { startLocalRedisRest } from '../../../local/redis-rest/local-stack.ts';
import { startWranglerDev } from '../../../local/worker-process.ts';
import { generateOtpSecret, generateReceiptKey } from '../../../scripts/keygen.ts';

export interface DevStack {
  /** The Worker under `wrangler dev`. */
  workerUrl: string;
  /** The Plivo sandbox: its inbox is `GET {sandboxUrl}/__sandbox/messages?dst=`. */
  sandboxUrl: string;
  /** The Redis REST server (Bearer `redisRestToken`). */
  redisRestUrl: string;
  redisRestToken: string;
  stop(): Promise<void>;
}

/**
 * What `npm run dev` runs, on free ports and with fresh secrets: a throwaway redis-server behind
 * the Upstash-compatible REST server, the Plivo sandbox, and the Worker under `wrangler dev`.
 * `vars` and `secrets` add to (or override) the test defaults below.
 */
export async function startDevStack(
  vars: Record<string, string> = {},
  secrets: Record<string, string> = {},
): Promise<DevStack> {
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const redisRestToken = 'browser-test-redis-token';
    const redis = await startLocalRedisRest({ token: redisRestToken });
    closers.push(() => redis.close());
    const plivoAuth = { authId: 'MABROWSERTEST0000000', authToken: 'browser-test-plivo-token' };
    const sandbox = await startPlivoSandbox({ ...plivoAuth, callbackDelayMs: 50 });
    closers.push(() => sandbox.close());

    const worker = await startWranglerDev({
      vars: {
        ENVIRONMENT: 'test',
        PLIVO_SENDER: '+14155550100',
        RECEIPT_ISSUER: 'https://otp.browser.test',
        // As `npm run dev` sets it.
        SANDBOX_INBOX_URL: `${sandbox.url}/`,
        ...vars,
      },
      secrets: {
        UPSTASH_REDIS_REST_URL: redis.server.url,
        UPSTASH_REDIS_REST_TOKEN: redisRestToken,
        PLIVO_BASE_URL: sandbox.url,
        PLIVO_AUTH_ID: plivoAuth.authId,
        PLIVO_AUTH_TOKEN: plivoAuth.authToken,
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify((await generateReceiptKey()).privateJwk),
        ...secrets,
      },
    });
    closers.push(() => worker.stop());
    return {
      workerUrl: worker.url,
      sandboxUrl: sandbox.url,
      redisRestUrl: redis.server.url,
      redisRestToken,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The code in the newest SMS to `phoneE164`, as the user would read it. */
export async function latestSmsCode(sandboxUrl: string, phoneE164: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phoneE164)}`);
  const messages = (await response.json()) as { text: string }[];
  const match = messages[0]?.text.match(/^(\d{4,10}) is your /);
  if (!match?.[1]) throw new Error(`no code SMS for ${phoneE164} in the sandbox inbox`);
  return match[1];
}
