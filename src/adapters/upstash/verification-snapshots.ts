import type { Redis } from '@upstash/redis/cloudflare';
import type { VerificationSnapshot, VerificationSnapshots } from '../../otp/events/delivery-ports.ts';
import { verificationKey } from './keys.ts';
import type { StoreCalls } from './store-call.ts';

const STATUSES: ReadonlySet<string> = new Set(['pending', 'approved', 'canceled']);

/** A plain HMGET of a verification's status, attempts and expiry, for expiry watches (no caller, no counter). */
export function createUpstashVerificationSnapshots(
  redis: Redis,
  calls: StoreCalls,
  keyPrefix: string,
): VerificationSnapshots {
  return {
    async read(ref): Promise<VerificationSnapshot | undefined> {
      const [status, attempts, expires] = await calls
        .roundTrip(() =>
          redis.hmget<Record<string, unknown>>(
            verificationKey(keyPrefix, ref.verificationTag),
            's',
            'a',
            'e',
          ),
        )
        .then((fields) => [fields?.s, fields?.a, fields?.e]);
      if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
      return {
        status: status as VerificationSnapshot['status'],
        attemptsUsed: Number(attempts ?? 0),
        expiresAtMs: Number(expires),
      };
    },
  };
}
