import { base64url, importJWK, SignJWT } from 'jose';
import type { Clock, RandomSource, VerificationBinding } from '../otp/ports.ts';
import type { KeyedJwk } from './signing-key.ts';

export interface ReceiptSettings {
  /** P-256 private JWK; its kid goes into every receipt header so verifiers can pick the key. */
  signingKey: KeyedJwk;
  /** `iss` of every receipt; customer backends check it. */
  issuer: string;
  /** `aud` when set: lets a customer backend refuse receipts minted for another app. */
  audience?: string | undefined;
  /** Receipt lifetime. Short: the receipt only carries a fresh verification to the customer's backend. */
  ttlSeconds: number;
}

export interface IssuedReceipt {
  token: string;
  expiresInSeconds: number;
}

/** What an approved verification hands the signer: everything a claim may be made from. */
export interface ReceiptSubject {
  verificationId: string;
  binding: VerificationBinding;
}

export interface ReceiptSigner {
  sign(subject: ReceiptSubject): Promise<IssuedReceipt>;
}

const JTI_BYTES = 16;

/** Signs ES256 JWTs that say "this phone number was verified just now". */
export function createReceiptSigner(
  settings: ReceiptSettings,
  clock: Clock,
  random: RandomSource,
): ReceiptSigner {
  const { kid, kty, crv, x, y, d } = settings.signingKey;
  // Imported on first use and then reused: the import costs more than the signature, and a bad key
  // should fail the request that needs it, not the isolate's start.
  let signingKey: Promise<CryptoKey | Uint8Array> | undefined;

  return {
    async sign({ binding }) {
      const phoneE164 = binding.e164;
      signingKey ??= importJWK({ kty, crv, x, y, d }, 'ES256', { extractable: false });
      const issuedAt = Math.floor(clock.nowMs() / 1000);
      const jti = new Uint8Array(JTI_BYTES);
      random.fill(jti);
      const claims: Record<string, unknown> = { phone_number: phoneE164, phone_number_verified: true };
      // Only when true: a receipt for a real number carries no claim a backend could misread.
      if (binding.testNumber) claims.test_number = true;
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .setIssuer(settings.issuer)
        .setSubject(phoneE164)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + settings.ttlSeconds)
        .setJti(base64url.encode(jti));
      // An empty audience means "not configured", never a claim that matches nothing.
      if (settings.audience) jwt.setAudience(settings.audience);
      return { token: await jwt.sign(await signingKey), expiresInSeconds: settings.ttlSeconds };
    },
  };
}
