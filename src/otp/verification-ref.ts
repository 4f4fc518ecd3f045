import { DEFAULT_APP_ID } from './app-id.ts';
import type { KeyedHasher } from './keyed-hash.ts';
import type { VerificationRef } from './ports.ts';
import type { VerificationIds } from './verification-id.ts';

/**
 * The store's handle on a verification id, or undefined for an id this service never issued
 * (tampered, truncated, from another deployment) or one of another app than `app` (a caller's
 * app; `any` for the provider's callbacks, which belong to no app): then nothing asks the store,
 * so a guessed id, or another app's, costs the service nothing and spends no counter.
 */
export async function openVerificationRef(
  verificationId: string,
  ids: VerificationIds,
  hasher: KeyedHasher,
  app: string | 'any',
): Promise<VerificationRef | undefined> {
  const routing = await ids.open(verificationId);
  if (!routing || (app !== 'any' && (routing.app ?? DEFAULT_APP_ID) !== app)) return undefined;
  return { ...routing, verificationTag: await hasher.verificationTag(verificationId) };
}
