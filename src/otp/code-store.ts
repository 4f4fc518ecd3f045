import type { StatsBucket } from '../stats/counters.ts';

/**
 * What the OTP flows need from storage. Each method is one atomic step (one Lua script, one store
 * round trip in the Upstash adapter), because every check-then-act split is a race an attacker can
 * win with parallel requests. Failures of the store itself throw `DependencyUnavailableError`.
 */
export interface CodeStore {
  /** Checks the failure cap and the resend cooldown, then replaces any pending code with this one. */
  issue(phoneTag: string, codeHash: string, policy: IssuePolicy): Promise<IssueOutcome>;
  /**
   * Removes the code (and its cooldown) only if it is still this one: the SMS carrying it was
   * refused. Also takes back the `sent` count `issue` made in `stats` (same country and hour).
   */
  revoke(phoneTag: string, codeHash: string, stats: StatsBucket): Promise<void>;
  /** Checks, counts and consumes in one step. */
  check(phoneTag: string, candidateHash: string, policy: CheckPolicy): Promise<CheckOutcome>;
}

/** `country` and `hourBucket` say which hourly counter an issued code counts in as `sent`. */
export interface IssuePolicy extends StatsBucket {
  ttlSeconds: number;
  resendCooldownSeconds: number;
  maxFailures: number;
}

/** `country` and `hourBucket` say which hourly counter an approved code counts in as `verified`. */
export interface CheckPolicy extends StatsBucket {
  maxAttempts: number;
  maxFailures: number;
  failureWindowSeconds: number;
  /** Verifies from one client IP per window, right or wrong (stops one guess across many numbers). */
  ipTag: string;
  maxVerifiesPerIp: number;
  ipWindowSeconds: number;
}

export type IssueOutcome =
  | { kind: 'issued' }
  | { kind: 'cooldown'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number };

export type CheckOutcome =
  | { kind: 'approved' }
  | { kind: 'wrong'; attemptsRemaining: number }
  | { kind: 'expired' }
  | { kind: 'burned' }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'ip_limited'; retryAfterSeconds: number };
