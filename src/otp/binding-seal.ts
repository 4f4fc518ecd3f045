import type { RandomSource, VerificationBinding } from './ports.ts';
import { createSealedBox } from './sealed-box.ts';

export interface BindingSeal {
  seal(verificationId: string, binding: VerificationBinding): Promise<string>;
  /** Undefined when `sealed` was not sealed for this id under this secret. */
  open(verificationId: string, sealed: string): Promise<VerificationBinding | undefined>;
}

/**
 * AES-256-GCM under a key derived from OTP_SECRET (HKDF info `verification-seal`), the
 * verification id as additional data: a sealed binding copied to another record does not open
 * there (./sealed-box.ts).
 */
export function createBindingSeal(secret: string, random: RandomSource): BindingSeal {
  const box = createSealedBox(secret, 'verification-seal', random);
  return {
    seal: (verificationId, binding) => box.seal(JSON.stringify(binding), verificationId),
    async open(verificationId, sealed) {
      const plain = await box.open(sealed, verificationId);
      return plain === undefined ? undefined : (JSON.parse(plain) as VerificationBinding);
    },
  };
}
