import type { StatsBucket } from '../stats/counters.ts';
import type { CheckPolicy, CodeStore } from './code-store.ts';
import type { KeyedHasher } from './keyed-hash.ts';

export interface VerifyCodeDeps {
  store: CodeStore;
  hasher: KeyedHasher;
}

/** Failures per number are counted over a rolling day from the first one. */
export const FAILURE_WINDOW_SECONDS = 24 * 60 * 60;

export type VerifyCodeOutcome =
  | { kind: 'approved' }
  | { kind: 'wrong_code'; attemptsRemaining: number }
  | { kind: 'expired' }
  | { kind: 'too_many_attempts'; retryAfterSeconds?: number }
  | { kind: 'rate_limited'; scope: 'ip'; retryAfterSeconds: number };

export interface VerifyPolicy extends StatsBucket {
  maxAttempts: number;
  maxFailures: number;
  maxVerifiesPerIp: number;
  ipWindowSeconds: number;
}

/** One atomic store step decides everything; see src/store/scripts/check-code.ts. */
export async function verifyCode(
  attempt: { e164: string; code: string; clientIp: string },
  policy: VerifyPolicy,
  deps: VerifyCodeDeps,
): Promise<VerifyCodeOutcome> {
  const [phoneTag, codeTag, ipTag] = await Promise.all([
    deps.hasher.phoneTag(attempt.e164),
    deps.hasher.codeTag(attempt.e164, attempt.code),
    deps.hasher.limitTag('ip', attempt.clientIp),
  ]);
  const checkPolicy: CheckPolicy = { ...policy, ipTag, failureWindowSeconds: FAILURE_WINDOW_SECONDS };
  const checked = await deps.store.check(phoneTag, codeTag, checkPolicy);
  switch (checked.kind) {
    case 'approved':
      return { kind: 'approved' };
    case 'wrong':
      return { kind: 'wrong_code', attemptsRemaining: checked.attemptsRemaining };
    case 'expired':
      return { kind: 'expired' };
    case 'burned':
      return { kind: 'too_many_attempts' };
    case 'locked':
      return { kind: 'too_many_attempts', retryAfterSeconds: checked.retryAfterSeconds };
    case 'ip_limited':
      return { kind: 'rate_limited', scope: 'ip', retryAfterSeconds: checked.retryAfterSeconds };
  }
}
