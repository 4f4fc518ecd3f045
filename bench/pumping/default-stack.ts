/**
 * A fresh local stack (new redis-server, REST server, Plivo sandbox, `wrangler dev`) running the
 * Worker with the default configuration: `[env.dev]` of wrangler.toml as `npm run dev` runs it
 * (ALLOWED_COUNTRIES=*), with the per-client limits put back to production's (`[env.dev]` raises
 * them for a developer exploring from one address), plus only what a scenario changes
 * (worker-settings.ts: its vars, the Turnstile stand-in). The harness adds what it needs: the
 * secrets every run needs, a sender, and an API key so a backend caller may name each end user's
 * IP in X-End-User-IP. A browser caller sends its own CF-Connecting-IP, which `wrangler dev`
 * passes through (without one it would set 127.0.0.1 from the socket for everyone).
 */
import { randomBytes } from 'node:crypto';
import { startLocalStack } from '../../local/stack.ts';
import { generateOtpSecret, generateReceiptKey } from '../../scripts/keygen.ts';
import type { SentSms } from './tally.ts';
import type { WorkerSettings } from './worker-settings.ts';

/** Production's per-number, per-client and verify limits (wrangler.toml's top level). */
const PRODUCTION_CLIENT_LIMITS = {
  RATE_LIMIT_SEND_PER_PHONE: '5/1h',
  RATE_LIMIT_SEND_PER_IP: '10/1h',
  RATE_LIMIT_VERIFY_PER_IP: '60/10m',
};

export interface DefaultStack {
  workerUrl: string;
  sandboxUrl: string;
  apiKey: string;
  /** Every message the sandbox accepted since `markStart()`, with its time relative to the mark. */
  sentSms(): readonly SentSms[];
  markStart(): void;
  redisVersion(): Promise<string>;
  stop(): Promise<void>;
}

export interface DefaultStackOptions {
  storeLatencyMs: number;
  smsLatencyMs: number;
  /** A scenario's changes to the default configuration; none by default. */
  settings?: WorkerSettings;
}

export async function startDefaultStack(options: DefaultStackOptions): Promise<DefaultStack> {
  const apiKey = randomBytes(24).toString('base64url');
  const restToken = randomBytes(24).toString('base64url');
  const receiptKey = await generateReceiptKey();
  const messages: SentSms[] = [];
  let origin = performance.now();
  const settings = options.settings ?? { vars: {}, secrets: {}, turnstileStandIn: false };
  const stack = await startLocalStack({
    redisRest: { token: restToken, latencyMs: options.storeLatencyMs },
    plivo: {
      authId: 'MAPUMPING00000000000',
      authToken: randomBytes(16).toString('hex'),
      latencyMs: options.smsLatencyMs,
      // The sandbox's HTTP list keeps the newest 1,000 messages; this hook sees every one.
      onMessage: (message) =>
        // Plivo takes numbers with or without the +; the harness speaks E.164.
        messages.push({ atMs: performance.now() - origin, dst: `+${message.dst.replace(/^\+/, '')}` }),
      log: () => undefined,
    },
    turnstile: settings.turnstileStandIn,
    worker: {
      vars: { ...PRODUCTION_CLIENT_LIMITS, ...settings.vars },
      secrets: {
        ...settings.secrets,
        OTP_SECRET: generateOtpSecret(),
        RECEIPT_SIGNING_KEY: JSON.stringify(receiptKey.privateJwk),
        API_KEYS: apiKey,
        // What `npm run dev` sets when no .dev.vars names a sender.
        PLIVO_SENDER: 'OTPEDGE',
      },
    },
  });
  const restUrl = stack.redisRest.server.url;
  return {
    workerUrl: stack.worker.url,
    sandboxUrl: stack.plivo.url,
    apiKey,
    sentSms: () => messages,
    markStart: () => {
      origin = performance.now();
      messages.length = 0;
    },
    redisVersion: async () => {
      const response = await fetch(restUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(['INFO', 'server']),
      });
      const body = (await response.json()) as { result?: string };
      return /redis_version:(\S+)/.exec(body.result ?? '')?.[1] ?? 'unknown';
    },
    stop: stack.close,
  };
}
