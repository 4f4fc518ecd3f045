import { base64url } from '../otp/base64url.ts';
import type { Clock, RandomSource } from '../otp/ports.ts';
import type { Transaction } from '../otp/transaction.ts';
import type { KeyedJwk } from './signing-key.ts';

export interface ReceiptSettings {
  /** P-256 private JWK; its kid goes into every receipt header so verifiers can pick the key. */
  signingKey: KeyedJwk;
  /** `iss` of every receipt; customer backends check it. */
  issuer: string;
  /**
   * The deployment's `aud` (RECEIPT_AUDIENCE, or outside production its default): what a caller
   * without an audience of its own gets (`Caller.receiptAudience` carries the choice to the signer).
   */
  audience: string;
  /** Receipt lifetime. Short: the receipt only carries a fresh verification to the customer's backend. */
  ttlSeconds: number;
}

/** How the code reached the user: the receipt's `amr` (RFC 8176 names `sms`; the others are ours). */
export type ReceiptChannel = 'sms' | 'voice' | 'whatsapp';

/** One approved verification, everything its receipt says. */
export interface ReceiptSubject {
  /** The verified number, E.164: `sub` and `phone_number`. */
  e164: string;
  /** `verification_id`: the verification POST /otp/request opened. */
  verificationId: string;
  /** `aud`: the calling API key's audience, else the deployment's (`Caller.receiptAudience`). */
  audience: string;
  /** `nonce`, echoed as the request sent it (src/otp/receipt-nonce.ts). */
  nonce?: string | undefined;
  /** `transaction`, as stored with the verification (src/otp/transaction.ts). */
  transaction?: Transaction | undefined;
  /** `amr`: the channels the code went through. */
  amr: readonly ReceiptChannel[];
  /** `auth_time`: when the code was verified, in seconds since the epoch. */
  authTimeSeconds: number;
  /** A configured test number: the receipt says `test_number: true` so no backend mistakes it for a person. */
  testNumber?: boolean | undefined;
}

export interface IssuedReceipt {
  token: string;
  expiresInSeconds: number;
}

export interface ReceiptSigner {
  sign(subject: ReceiptSubject): Promise<IssuedReceipt>;
}

const JTI_BYTES = 16;

/** Signs ES256 JWTs that say "this phone number was verified just now, for this audience and attempt". */
export function createReceiptSigner(
  settings: ReceiptSettings,
  clock: Clock,
  random: RandomSource,
): ReceiptSigner {
  const { kid, kty, crv, x, y, d } = settings.signingKey;
  // Imported on first use and then reused: the import costs more than the signature, and a bad key
  // should fail the request that needs it, not the isolate's start.
  let signingKey: Promise<CryptoKey> | undefined;
  const header = encodeJson({ alg: 'ES256', typ: 'JWT', kid });

  return {
    async sign(subject) {
      signingKey ??= crypto.subtle.importKey(
        'jwk',
        { kty, crv, x, y, d },
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign'],
      );
      const { e164 } = subject;
      const issuedAt = Math.floor(clock.nowMs() / 1000);
      const jti = new Uint8Array(JTI_BYTES);
      random.fill(jti);
      const payload = encodeJson({
        phone_number: e164,
        phone_number_verified: true,
        ...bindingClaims(subject),
        iss: settings.issuer,
        sub: e164,
        aud: subject.audience,
        iat: issuedAt,
        exp: issuedAt + settings.ttlSeconds,
        jti: base64url(jti),
      });
      return {
        token: await signCompact(`${header}.${payload}`, await signingKey),
        expiresInSeconds: settings.ttlSeconds,
      };
    },
  };
}

const utf8 = new TextEncoder();

function encodeJson(value: unknown): string {
  return base64url(utf8.encode(JSON.stringify(value)));
}

/**
 * A JWS compact serialisation, ES256 (RFC 7515, RFC 7518 §3.4): Web Crypto's ECDSA signature is
 * already the 64-byte r || s that JWS wants. Written here rather than with jose's SignJWT, which
 * cost more CPU than the signature itself on every approval (bench/results.md).
 */
async function signCompact(signingInput: string, key: CryptoKey): Promise<string> {
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    utf8.encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}

/** What ties the receipt to one login attempt or payment; optional claims are absent, never null. */
function bindingClaims(subject: ReceiptSubject): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    verification_id: subject.verificationId,
    amr: [...subject.amr],
    auth_time: subject.authTimeSeconds,
  };
  if (subject.nonce !== undefined) claims.nonce = subject.nonce;
  if (subject.transaction !== undefined) {
    const { amount, currency, payee } = subject.transaction;
    claims.transaction = { amount, currency, payee };
  }
  // Only ever `true`: a missing claim is the ordinary case, so no backend has to test for `false`.
  if (subject.testNumber === true) claims.test_number = true;
  return claims;
}
