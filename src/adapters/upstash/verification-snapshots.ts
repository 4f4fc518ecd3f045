import type { VerificationSnapshot, VerificationSnapshots } from '../../otp/events/delivery-ports.ts';
import { verificationKey } from './keys.ts';
import type { PipelineClient } from './pipeline-client.ts';
import type { StoreCalls } from './store-call.ts';

const STATUSES: ReadonlySet<string> = new Set(['pending', 'approved', 'canceled']);

/** A plain HMGET of a verification's status, attempts and expiry, for expiry watches (no caller, no counter). */
export function createUpstashVerificationSnapshots(
  store: PipelineClient,
  calls: StoreCalls,
  keyPrefix: string,
): VerificationSnapshots {
  return {
    async read(ref): Promise<VerificationSnapshot | undefined> {
      const [fields] = await calls.roundTrip(() =>
        store.pipeline([['hmget', verificationKey(keyPrefix, ref.verificationTag), 's', 'a', 'e']]),
      );
      const [status, attempts, expires] = Array.isArray(fields) ? fields : [];
      if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
      return {
        status: status as VerificationSnapshot['status'],
        attemptsUsed: Number(attempts ?? 0),
        expiresAtMs: Number(expires),
      };
    },
  };
}
