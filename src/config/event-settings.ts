import type { WebhookDestination } from '../otp/events/delivery-ports.ts';
import { decodeWebhookSecret } from '../otp/events/webhook-secret.ts';
import type { RawConfig } from './config-schema.ts';

export interface EventSettings {
  /** The default app's webhook (EVENT_WEBHOOK_URL, EVENT_WEBHOOK_SECRETS); undefined: no events. */
  readonly defaultWebhook: WebhookDestination | undefined;
  /** EVENT_WEBHOOK_TIMEOUT_MS. */
  readonly timeoutMs: number;
  /** EVENT_WEBHOOK_RETRY_BASE_SECONDS: the first retry's delay, doubled at each further one. */
  readonly retryBaseSeconds: number;
}

/** Problems name the setting and the entry's position, never a secret. */
export function parseEventSettings(
  raw: RawConfig,
): { ok: true; settings: EventSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const secrets = (raw.EVENT_WEBHOOK_SECRETS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, secret] of secrets.entries()) {
    if (decodeWebhookSecret(secret) === undefined) {
      problems.push(`EVENT_WEBHOOK_SECRETS: entry ${index + 1} is not whsec_ + base64 of 24-64 bytes`);
    }
  }
  const url = raw.EVENT_WEBHOOK_URL;
  if (url !== undefined && secrets.length === 0) {
    problems.push('EVENT_WEBHOOK_SECRETS: required with EVENT_WEBHOOK_URL');
  }
  if (url !== undefined && raw.ENVIRONMENT === 'production' && !url.startsWith('https://')) {
    problems.push('EVENT_WEBHOOK_URL: must be https:// in production');
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      defaultWebhook: url === undefined ? undefined : { url, secrets },
      timeoutMs: raw.EVENT_WEBHOOK_TIMEOUT_MS,
      retryBaseSeconds: raw.EVENT_WEBHOOK_RETRY_BASE_SECONDS,
    },
  };
}
