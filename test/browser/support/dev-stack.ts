import { startLocalStack } from '../../../local/stack.ts';
import { findFreePort } from '../../../local/support/processes.ts';
import { generateOtpSecret, generateReceiptKey } from '../../../scripts/keygen.ts';

export interface DevStack {
  /** The Worker under `wrangler dev`. */
  workerUrl: string;
  /** The Plivo sandbox: its inbox is `GET {sandboxUrl}/__sandbox/messages?dst=`. */
  sandboxUrl: string;
  /** The Twilio sandbox when `DevStackOptions.twilio` started it: `GET {twilioUrl}/__sandbox/messages?to=`. */
  twilioUrl?: string;
  /** The Redis REST server (Bearer `redisRestToken`). */
  redisRestUrl: string;
  redisRestToken: string;
  /** The extra store regions' REST servers by name, when `DevStackOptions.storeRegions` started any. */
  regionRestUrls: Record<string, string>;
  stop(): Promise<void>;
}

export interface DevStackOptions {
  /**
   * Sets PUBLIC_BASE_URL to the Worker's own address (a free port is picked for it first), so the
   * sandbox's signed requests reach it: SMS delivery reports and a call's answer URL, without which
   * the voice channel is off. Default false: no PUBLIC_BASE_URL, as `npm run dev` runs.
   */
  publicBaseUrl?: boolean;
  /** Starts the Turnstile siteverify stand-in and points TURNSTILE_SITEVERIFY_URL at it. */
  turnstile?: boolean;
  /**
   * The Worker exactly as `npm run dev` runs it with the sandbox (wrangler.toml's [env.dev], so
   * ENVIRONMENT development and its RECEIPT_ISSUER): none of the test defaults below, and the
   * sender settings local/dev.ts gives it, so every channel works. Implies `publicBaseUrl`.
   */
  asNpmRunDev?: boolean;
  /** Starts the Twilio sandbox too (routed to only when SMS_ROUTES / VOICE_ROUTES name it). */
  twilio?: boolean;
  /** Store regions beside the default one, each with its countries (docs/regions.md): `{ ap: ['AU'] }`. */
  storeRegions?: Record<string, readonly string[]>;
}

/** What local/dev.ts hands the Worker when it runs the Plivo sandbox (keep the two alike). */
const NPM_RUN_DEV_SENDERS = {
  PLIVO_SENDER: 'OTPEDGE',
  PLIVO_VOICE_SRC: '+14155550100',
  PLIVO_WHATSAPP_SRC: '+14155550100',
  PLIVO_WHATSAPP_TEMPLATE: 'otp_login',
};

/**
 * What `npm run dev` runs, on free ports and with fresh secrets: a throwaway redis-server behind
 * the Upstash-compatible REST server, the Plivo sandbox, and the Worker under `wrangler dev`.
 * `vars` and `secrets` add to (or override) the test defaults below.
 */
export async function startDevStack(
  vars: Record<string, string> = {},
  secrets: Record<string, string> = {},
  options: DevStackOptions = {},
): Promise<DevStack> {
  const redisRestToken = 'browser-test-redis-token';
  const port = options.publicBaseUrl || options.asNpmRunDev ? await findFreePort() : undefined;
  const ownUrl: Record<string, string> =
    port === undefined ? {} : { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` };
  const testDefaults: Record<string, string> = options.asNpmRunDev
    ? NPM_RUN_DEV_SENDERS
    : { ENVIRONMENT: 'test', PLIVO_SENDER: '+14155550100', RECEIPT_ISSUER: 'https://otp.browser.test' };
  const stack = await startLocalStack({
    turnstile: options.turnstile ?? false,
    redisRest: { token: redisRestToken },
    storeRegions: Object.fromEntries(
      Object.entries(options.storeRegions ?? {}).map(([name, countries]) => [
        name,
        { token: redisRestToken, countries },
      ]),
    ),
    plivo: { authId: 'MABROWSERTEST0000000', authToken: 'browser-test-plivo-token', callbackDelayMs: 50 },
    twilio: options.twilio
      ? {
          accountSid: `AC${'0'.repeat(27)}b0123`,
          authToken: 'browser-test-twilio-token',
          callbackDelayMs: 50,
        }
      : false,
    worker: {
      port,
      vars: {
        ...testDefaults,
        ...ownUrl,
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
    twilioUrl: stack.twilio?.url,
    redisRestUrl: stack.redisRest.server.url,
    redisRestToken,
    regionRestUrls: Object.fromEntries(
      Object.entries(stack.storeRegions).map(([name, region]) => [name, region.server.url]),
    ),
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

/**
 * The code the newest call to `phoneE164` spoke, once the sandbox has played it: the Worker's
 * answer says the digits one by one ("4, 2, 7, ..."), twice. Waits for the call, which rings and
 * fetches its answer URL after the switch has answered.
 */
export async function spokenCode(sandboxUrl: string, phoneE164: string, digits = 6): Promise<string> {
  const oneByOne = new RegExp(`\\b(\\d(?:, \\d){${digits - 1}})\\b`, 'g');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${sandboxUrl}/__sandbox/calls?to=${encodeURIComponent(phoneE164)}`);
    const [call] = (await response.json()) as { status: string; spokenText: string | null }[];
    if (call?.status === 'completed' && call.spokenText) {
      const heard = [...call.spokenText.matchAll(oneByOne)].map((match) => match[1]?.replace(/, /g, ''));
      // Said twice, the same both times: anything else is not the Worker's code prompt.
      if (heard.length !== 2 || heard[0] !== heard[1] || !heard[0])
        throw new Error(`the call to ${phoneE164} did not say one code twice`);
      return heard[0];
    }
    if (call?.status === 'failed') throw new Error(`the call to ${phoneE164} failed`);
    if (Date.now() > deadline) throw new Error(`no completed call to ${phoneE164} in the sandbox`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
