import type { Config } from '../config/config.ts';
import type { Runtime, Services } from '../wiring.ts';
import type { RequestTimings } from './server-timing.ts';

/** Fields the handlers fill in; one JSON line per request carries them (./middleware/request-log.ts). */
export interface RequestLog {
  outcome?: string;
  country?: string;
  phone?: string;
  storeRoundTrips?: number;
  detail?: string;
  /** The language the request's SMS was written in. */
  locale?: string;
  /** The configuration's warnings, on the first request an isolate serves with it. */
  warnings?: readonly string[];
  /** Set when the configuration is invalid: the name of each bad setting, never its value. */
  problems?: readonly string[];
  /** Set for an unexpected error (a 500): its name and the top of its stack, never its message. */
  error?: { name: string; stack: string[] | undefined };
}

/**
 * Who is calling. `server`: a backend that presented a valid API key (trusted to pass the end
 * user's IP; skips CORS and the bot check). `browser`: anyone else. `receiptAudience` is the `aud`
 * of the receipts this caller gets: its key's audience, else the deployment's (RECEIPT_AUDIENCE).
 */
export type Caller =
  /** `keyId`: the key's SHA-256 digest (hex), which names it to the guard's per-key budget. */
  | {
      kind: 'server';
      admin: boolean;
      receiptAudience: string;
      keyId: string;
      /** The key's app (docs/apps.md); undefined: the default app. */
      app?: string | undefined;
    }
  /** A browser caller is the default app's (docs/apps.md). */
  | { kind: 'browser'; receiptAudience: string };

/** Hono's typing of this app: the Worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    services: Services;
    runtime: Runtime;
    log: RequestLog;
    /** Runs `promise` after the response (waitUntil); the request's log line waits for it. */
    afterResponse: (promise: Promise<unknown>) => void;
    /** Where the request's time goes: the Server-Timing header and the log line's spans. */
    timings: RequestTimings;
    caller: Caller;
    /** From CF-Connecting-IP only (or X-End-User-IP from an authenticated server caller). */
    clientIp: string;
  };
}
