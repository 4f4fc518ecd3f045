import { decodeWebhookSecret } from '../../otp/events/webhook-secret.ts';

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const bytes = decodeWebhookSecret(secret);
    // Config validation refuses such a secret before any request: reaching this is a bug.
    if (!bytes) throw new Error('not a whsec_ secret');
    key = crypto.subtle.importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    keys.set(secret, key);
  }
  return key;
}

/**
 * The Standard Webhooks headers for one delivery (https://www.standardwebhooks.com/, "Signature
 * scheme"): `webhook-signature` holds `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))
 * for every secret, space-separated, so a receiver holding any one of them verifies it.
 */
export async function standardWebhookHeaders(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): Promise<Record<string, string>> {
  const signed = new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), signed);
      return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
    }),
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}
