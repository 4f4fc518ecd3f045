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
  | { kind: 'too_many_attempts'; retryAfterSeconds?: number };

/** One atomic store step decides everything; see src/store/scripts/check-code.ts. */
export async function verifyCode(
  e164: string,
  code: string,
  policy: Omit<CheckPolicy, 'failureWindowSeconds'>,
  deps: VerifyCodeDeps,
): Promise<VerifyCodeOutcome> {
  const [phoneTag, codeTag] = await Promise.all([deps.hasher.phoneTag(e164), deps.hasher.codeTag(e164, code)]);
  const checked = await deps.store.check(phoneTag, codeTag, {
    ...policy,
    failureWindowSeconds: FAILURE_WINDOW_SECONDS,
  });
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
  }
}
