import { env } from 'cloudflare:workers';
import { inject } from 'vitest';

/**
 * The local webhook inbox (local/webhook-inbox/, started by test/global-setup.ts) as the event
 * tests read it, and a Standard Webhooks verifier written from the specification
 * (https://www.standardwebhooks.com/, "Verifying webhooks"): Web Crypto here, apart from the
 * Worker's signing module and from the inbox's own Node check, so a bug in either cannot agree
 * with itself.
 */

// Provided by test/global-setup.ts, which the Worker tests' tsconfig does not include.
declare module 'vitest' {
  export interface ProvidedContext {
    webhookInboxUrl: string;
    webhookSecrets: string;
  }
}

export const webhookUrl = inject('webhookInboxUrl');
export const webhookSecrets = inject('webhookSecrets').split(',');
const inboxBase = webhookUrl.replace(/\/webhook$/, '');

/**
 * The events queue's consumer runs with the Worker's own bindings (vitest.config.mts), whose
 * KEY_PREFIX is the default: tests that need the consumer's store (expiry watches, dead letters,
 * webhook counts) run their app on the same prefix.
 */
export const CONSUMER_KEY_PREFIX = ((env as unknown as Record<string, string>).KEY_PREFIX ??
  'otp:') as string;

export interface Delivery {
  id: string;
  type: string;
  timestamp: string;
  signatureHeader: string;
  body: string;
  signature: string;
  duplicate: boolean;
  receivedAt: string;
}

export async function inboxDeliveries(): Promise<Delivery[]> {
  const response = await fetch(`${inboxBase}/__events`);
  return ((await response.json()) as { events: Delivery[] }).events;
}

/** Waits until `select` picks at least `count` deliveries; returns what it picked. */
export async function waitForDeliveries(
  select: (delivery: Delivery) => boolean,
  count: number,
  timeoutMs = 20_000,
): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const picked = (await inboxDeliveries()).filter(select);
    if (picked.length >= count) return picked;
    if (Date.now() > deadline) throw new Error(`inbox has ${picked.length} of ${count} deliveries`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function inboxDown(seconds: number): Promise<void> {
  await fetch(`${inboxBase}/__down`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
}

export async function inboxUp(): Promise<void> {
  await fetch(`${inboxBase}/__up`, { method: 'POST', headers: { 'content-type': 'application/json' } });
}

/** The payload of a delivery, parsed. */
export function payloadOf(delivery: Delivery): {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
} {
  return JSON.parse(delivery.body) as { type: string; timestamp: string; data: Record<string, unknown> };
}

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/**
 * The specification's reference check: reject a timestamp more than 5 minutes off; the key is
 * the base64 after `whsec_`; the signed content is `{webhook-id}.{webhook-timestamp}.{body}`;
 * the header is space-separated `v1,<base64>` entries, and one constant-time match is enough
 * (crypto.subtle.verify compares in constant time).
 */
export async function verifyStandardWebhook(
  delivery: { id: string; timestamp: string; signatureHeader: string; body: string },
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  const timestamp = Number(delivery.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 5 * 60) return false;
  const key = await crypto.subtle.importKey(
    'raw',
    base64ToBytes(secret.slice('whsec_'.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const content = new TextEncoder().encode(`${delivery.id}.${delivery.timestamp}.${delivery.body}`);
  for (const entry of delivery.signatureHeader.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) continue;
    if (await crypto.subtle.verify('HMAC', key, base64ToBytes(signature), content)) return true;
  }
  return false;
}
