/**
 * The narrow interfaces the OTP domain depends on. Adapters for the outside world (Upstash, Plivo,
 * Web Crypto) implement them; tests replace only the clock and the random source.
 */

/** Wall-clock time. Injected so tests can move time without sleeping. */
export interface Clock {
  nowMs(): number;
}

/** Cryptographically secure random bytes. Injected so tests can force edge cases (leading zeros). */
export interface RandomSource {
  fill(bytes: Uint8Array): void;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export const cryptoRandom: RandomSource = {
  fill: (bytes) => {
    crypto.getRandomValues(bytes);
  },
};

/** One text message to one number. */
export interface Sms {
  to: string;
  text: string;
  /** The code's lifetime: an SMS still queued after it is useless and should not be delivered. */
  ttlSeconds: number;
}

/**
 * What became of a send. `rejected`: the provider refused it for good (4xx), nothing went out.
 * `uncertain`: it may or may not have gone out (timeout, 5xx) or was throttled (429); never retry
 * it automatically, the user would get two codes.
 */
export type SmsSendResult =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'rejected'; status: number }
  | { kind: 'uncertain'; reason: 'timeout' | 'network' | 'server_error' | 'throttled'; status?: number };

export interface SmsSender {
  send(sms: Sms): Promise<SmsSendResult>;
}
