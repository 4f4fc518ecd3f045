import { type TestApp, testApp } from './stack.ts';

/** The fraud guard's tests' clock and callers: a fixed time, a fresh address per request. */

export const HOUR_MS = 3_600_000;
/** A quarter into an hour two days back: the previous window weighs 0.75, the current one holds every send. */
export const START = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 48 * HOUR_MS + HOUR_MS / 4;

let ipCounter = 0;
/** Each request from its own address: rotating proxies, so per-IP limits never decide. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.18.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

export interface Clocked extends TestApp {
  at(ms: number): void;
}

/** A test app whose clock stands still at START until moved. Cooldowns off: numbers are distinct anyway. */
export function guardApp(overrides: Record<string, string> = {}): Clocked {
  let now = START;
  const app = testApp({ OTP_RESEND_COOLDOWN_SECONDS: '0', ...overrides }, { clock: { nowMs: () => now } });
  return Object.assign(app, {
    at(ms: number) {
      now = ms;
    },
  });
}
