import * as z from 'zod/mini';
import type { TurnstileSettings } from '../../config/config.ts';
import { DependencyUnavailableError } from '../../otp/dependency-error.ts';
import { type HumanCheck, type HumanCheckOutcome, MAX_HUMAN_CHECK_TOKEN_LENGTH } from '../../otp/ports.ts';
import { tokenClaimMismatches } from './token-claims.ts';

/**
 * Cloudflare Turnstile's server-side check (siteverify). A token proves a browser solved the
 * widget; it is single use and valid for 5 minutes, and only siteverify can tell.
 * https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */

/**
 * Error codes that mean our request or secret is wrong, or Cloudflare failed: the visitor can do
 * nothing about them, so they are an outage (503), not a failed bot check (403).
 */
const SERVICE_SIDE_CODES = new Set([
  'missing-input-secret',
  'invalid-input-secret',
  'bad-request',
  'internal-error',
]);

/** Cloudflare's public codes are shown to the client; anything else in that field is dropped. */
const PUBLIC_CODE = /^[a-z0-9-]{1,64}$/;

const siteverifyAnswer = z.looseObject({
  success: z.boolean(),
  'error-codes': z.optional(z.array(z.string())),
  hostname: z.optional(z.string()),
  action: z.optional(z.string()),
});

/**
 * The bot check over siteverify. A failed check is a value; siteverify being unreachable, slow,
 * non-2xx or unintelligible throws DependencyUnavailableError: no SMS goes out on an unchecked token.
 */
export function createTurnstileCheck(settings: TurnstileSettings): HumanCheck {
  return {
    async check(token, { remoteIp, allowedHostnames }): Promise<HumanCheckOutcome> {
      if (token === '') return { kind: 'refused', reasons: ['missing-input-response'] };
      if (token.length > MAX_HUMAN_CHECK_TOKEN_LENGTH)
        return { kind: 'refused', reasons: ['invalid-input-response'] };

      const signal = AbortSignal.timeout(settings.timeoutMs);
      let answer: unknown;
      try {
        const response = await fetch(settings.siteverifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            secret: settings.secretKey,
            response: token,
            ...(remoteIp ? { remoteip: remoteIp } : {}),
            // Fresh per check: Cloudflare answers a retry with the same key the same way.
            idempotency_key: crypto.randomUUID(),
          }),
          signal,
        });
        if (!response.ok) {
          await response.body?.cancel();
          throw new DependencyUnavailableError('captcha', `siteverify answered ${response.status}`);
        }
        answer = await response.json();
      } catch (error) {
        if (error instanceof DependencyUnavailableError) throw error;
        const detail = signal.aborted
          ? `siteverify timed out after ${settings.timeoutMs} ms`
          : 'siteverify unreachable';
        throw new DependencyUnavailableError('captcha', detail);
      }

      const parsed = siteverifyAnswer.safeParse(answer);
      if (!parsed.success)
        throw new DependencyUnavailableError('captcha', 'siteverify answer not understood');
      const codes = parsed.data['error-codes'] ?? [];
      const serviceSide = codes.filter((code) => SERVICE_SIDE_CODES.has(code));
      if (serviceSide.length > 0) {
        throw new DependencyUnavailableError(
          'captcha',
          `siteverify refused the request: ${serviceSide.join(',')}`,
        );
      }
      if (!parsed.data.success) {
        return { kind: 'refused', reasons: codes.filter((code) => PUBLIC_CODE.test(code)).slice(0, 5) };
      }
      const mismatches = tokenClaimMismatches(parsed.data, {
        allowedHostnames,
        action: settings.expectedAction,
      });
      if (mismatches.length > 0) return { kind: 'refused', reasons: mismatches };
      return { kind: 'human' };
    },
  };
}
