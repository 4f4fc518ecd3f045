import * as z from 'zod/mini';
import { CHANNELS } from '../otp/channel.ts';

/**
 * The dead-letter endpoints' shapes (docs/events.md), for /openapi.json only: the routes validate
 * their one parameter by hand, so these stay out of the Worker bundle (src/http/routes/admin-events-doc.ts).
 */

const eventData = z.object({
  verificationId: z.optional(z.string()),
  app: z.string(),
  channel: z.enum(CHANNELS),
  to: z.optional(z.string().register(z.globalRegistry, { description: 'The number, masked.' })),
  country: z.string(),
  expiresAt: z.optional(z.string()),
  previousChannel: z.optional(z.enum(CHANNELS)),
  by: z.optional(z.enum(['user', 'service'])),
  status: z.optional(z.enum(['delivered', 'failed', 'undelivered'])),
  scope: z.optional(z.string()),
});

export const deadEventsResponse = z
  .object({
    events: z.array(
      z.object({
        id: z.string().register(z.globalRegistry, {
          description: 'The event id (`webhook-id`), unchanged by a replay.',
        }),
        type: z.string(),
        app: z.string(),
        occurredAt: z.string(),
        deadAt: z.string(),
        data: eventData,
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'DeadEvents' });

export const deadEventPath = z.object({ eventId: z.string() });

export const deadEventsReplayed = z
  .object({
    replayed: z.int().register(z.globalRegistry, { description: 'Events put back on the queue.' }),
    eventIds: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: 'DeadEventsReplayed' });
