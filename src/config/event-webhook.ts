import type { WebhookDestination } from '../otp/events/delivery-ports.ts';
import type { Config } from './config.ts';

/** The app every request belongs to until a deployment declares apps of its own. */
export const DEFAULT_APP_ID = 'default';

/**
 * The one place that says where an app's events go. Today a deployment is one app (`default`,
 * EVENT_WEBHOOK_URL); with several apps, each app's `webhook` is read here and nowhere else.
 */
export function eventWebhookFor(config: Config, appId: string): WebhookDestination | undefined {
  return appId === DEFAULT_APP_ID ? config.events.defaultWebhook : undefined;
}
