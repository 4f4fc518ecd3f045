/**
 * Makes the two secrets a deployment needs, OTP_SECRET (keys the code hashes) and
 * RECEIPT_SIGNING_KEY (ES256, P-256), and prints them ready to paste into .dev.vars or
 * `wrangler secret put`. A rotation of the receipt key must keep OTP_SECRET (changing it voids
 * every code already sent), so --receipt-key-only prints the signing key alone. --otp-secret, from
 * when the default was the key alone, still works and prints both.
 *
 *   node scripts/keygen.ts [--receipt-key-only]
 *   node scripts/keygen.ts --webhook-secret   (an EVENT_WEBHOOK_SECRETS entry alone)
 */
import { type KeyedJwk, parseSigningKey, publicJwk } from '../src/receipt/signing-key.ts';

export interface ReceiptKey {
  /** For RECEIPT_SIGNING_KEY. Secret. */
  privateJwk: KeyedJwk;
  /** For RECEIPT_PREVIOUS_PUBLIC_KEYS once this key is rotated out; what the JWKS endpoint publishes. */
  publicJwk: KeyedJwk;
}

/** A fresh P-256 key pair; kid = the UTC date plus a random suffix, so rotations sort and never collide. */
export async function generateReceiptKey(now = new Date()): Promise<ReceiptKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const exported = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const kid = `${now.toISOString().slice(0, 10)}-${hex(randomBytes(3))}`;
  // parseSigningKey keeps only kty, crv, x, y, d, kid: Web Crypto's key_ops and ext would otherwise
  // travel into the secret and from there confuse importers.
  const parsed = parseSigningKey(JSON.stringify({ ...exported, kid }));
  if (!parsed.ok) throw new Error(`Web Crypto exported an unusable key: ${parsed.problem}`);
  return { privateJwk: parsed.key, publicJwk: publicJwk(parsed.key) };
}

/** 32 random bytes, base64url: the HMAC key for stored code hashes (OTP_SECRET). */
export function generateOtpSecret(): string {
  return base64url(randomBytes(32));
}

/** A Standard Webhooks secret for EVENT_WEBHOOK_SECRETS: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...randomBytes(32)))}`;
}

function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

const FLAGS = ['--receipt-key-only', '--otp-secret', '--webhook-secret'] as const;

/** The lines `npm run keygen` prints: dotenv syntax, comments saying where each value goes. */
export async function keygenOutput(args: readonly string[]): Promise<string> {
  const unknown = args.filter((arg) => !(FLAGS as readonly string[]).includes(arg));
  if (unknown.length > 0)
    throw new Error(`unknown option ${unknown.join(' ')}; options: ${FLAGS.join(', ')}`);
  if (args.includes('--webhook-secret')) {
    return [
      '# Signs the event webhooks (docs/events.md); give the same value to your backend.',
      `EVENT_WEBHOOK_SECRETS=${generateWebhookSecret()}`,
      '# Deploy: npx wrangler secret put EVENT_WEBHOOK_SECRETS',
    ].join('\n');
  }
  const lines: string[] = [];
  if (!args.includes('--receipt-key-only')) {
    lines.push(
      '# Keys the stored code hashes. Changing it voids codes already sent, so keep it across key rotations.',
      `OTP_SECRET=${generateOtpSecret()}`,
      '# Deploy: npx wrangler secret put OTP_SECRET',
      '',
    );
  }
  const key = await generateReceiptKey();
  lines.push(
    `# Receipt signing key ${key.privateJwk.kid} (ES256). Secret: .dev.vars locally, a wrangler secret when deployed.`,
    `RECEIPT_SIGNING_KEY='${JSON.stringify(key.privateJwk)}'`,
    '# public key, for RECEIPT_PREVIOUS_PUBLIC_KEYS when you rotate this one out:',
    `# ${JSON.stringify(key.publicJwk)}`,
    '# Deploy: npx wrangler secret put RECEIPT_SIGNING_KEY  (paste the JSON, without the quotes)',
  );
  if (args.includes('--receipt-key-only')) lines.push('# (a rotation: OTP_SECRET stays as it is)');
  return lines.join('\n');
}

if (import.meta.main) {
  try {
    console.log(await keygenOutput(process.argv.slice(2)));
  } catch (error) {
    console.error(`keygen: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
