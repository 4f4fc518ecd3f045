import type { WebhookDestination } from '../otp/events/delivery-ports.ts';
import { appWebhook, type Config } from './config.ts';

/** The app every request belongs to until a deployment declares apps of its own (docs/apps.md). */
export { DEFAULT_APP_ID } from '../otp/app-id.ts';

/**
 * The one place that says where an app's events go: the default app's is EVENT_WEBHOOK_URL, each
 * app of APPS its own `webhookUrl` and APP_WEBHOOK_SECRETS (docs/apps.md).
 */
export function eventWebhookFor(config: Config, appId: string): WebhookDestination | undefined {
  return appWebhook(config, appId);
}
