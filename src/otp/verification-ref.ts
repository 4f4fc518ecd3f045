import type { KeyedHasher } from './keyed-hash.ts';
import type { VerificationRef } from './ports.ts';
import type { VerificationIds } from './verification-id.ts';

/**
 * The store's handle on a verification id, or undefined for an id this service never issued
 * (tampered, truncated, from another deployment): then nothing asks the store, so a guessed id
 * costs the service nothing and spends no counter.
 */
export async function openVerificationRef(
  verificationId: string,
  ids: VerificationIds,
  hasher: KeyedHasher,
): Promise<VerificationRef | undefined> {
  const routing = await ids.open(verificationId);
  if (!routing) return undefined;
  return { ...routing, verificationTag: await hasher.verificationTag(verificationId) };
}
