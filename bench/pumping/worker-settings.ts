/**
 * What a scenario changes in the Worker's configuration, over `[env.dev]` of wrangler.toml: its own
 * vars (FRAUD_GUARD_EXPECTED…) and, for Turnstile in pressure mode, the local siteverify stand-in
 * with Cloudflare's always-passing test keys and this Worker's host allowed.
 */
import { TURNSTILE_TEST_SECRETS } from '../../local/stand-ins/turnstile-siteverify.ts';
import type { Scenario } from './scenarios.ts';

/** Where `wrangler dev` listens (the stack's default), and so the host tokens are solved on. */
export const WORKER_HOST = '127.0.0.1';

/** Cloudflare's test site key that always passes (a page would render the widget with it). */
export const TURNSTILE_TEST_SITE_KEY = '1x00000000000000000000AA';

export interface WorkerSettings {
  /** Over `[env.dev]`'s vars. */
  vars: Record<string, string>;
  /** Secrets (written to the private env file). */
  secrets: Record<string, string>;
  /** Whether the Turnstile siteverify stand-in runs (the stack then points TURNSTILE_SITEVERIFY_URL at it). */
  turnstileStandIn: boolean;
}

export function workerSettings(scenario: Scenario): WorkerSettings {
  if (scenario.turnstile === 'off')
    return { vars: { ...scenario.workerVars }, secrets: {}, turnstileStandIn: false };
  return {
    vars: {
      ...scenario.workerVars,
      TURNSTILE_MODE: 'pressure',
      TURNSTILE_SITE_KEY: TURNSTILE_TEST_SITE_KEY,
      TURNSTILE_ALLOWED_HOSTNAMES: WORKER_HOST,
    },
    // Every token passes once; whether its hostname and action are right is still the Worker's check.
    secrets: { TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRETS.alwaysPasses },
    turnstileStandIn: true,
  };
}
