import { startLocalStack } from '../../../local/stack.ts';
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
  const redisRestToken = 'browser-test-redis-token';
  const stack = await startLocalStack({
    redisRest: { token: redisRestToken },
    plivo: { authId: 'MABROWSERTEST0000000', authToken: 'browser-test-plivo-token', callbackDelayMs: 50 },
    worker: {
      vars: {
        ENVIRONMENT: 'test',
        PLIVO_SENDER: '+14155550100',
        RECEIPT_ISSUER: 'https://otp.browser.test',
        ...vars,
      },
      secrets: {
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify((await generateReceiptKey()).privateJwk),
        ...secrets,
      },
    },
  });
  return {
    workerUrl: stack.worker.url,
    sandboxUrl: stack.plivo.url,
    redisRestUrl: stack.redisRest.server.url,
    redisRestToken,
    stop: stack.close,
  };
}

/** The code in the newest SMS to `phoneE164`, as the user would read it. */
export async function latestSmsCode(sandboxUrl: string, phoneE164: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/__sandbox/messages?dst=${encodeURIComponent(phoneE164)}`);
  const messages = (await response.json()) as { text: string }[];
  const match = messages[0]?.text.match(/^(\d{4,10}) is your /);
  if (!match?.[1]) throw new Error(`no code SMS for ${phoneE164} in the sandbox inbox`);
  return match[1];
}
