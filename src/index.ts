import { createApp } from './app.ts';
import type { EventMessage } from './otp/events/event-message.ts';
import { createQueueConsumer } from './queue-consumer.ts';

const app = createApp();

/** HTTP requests go to the Hono app; the events queue and its dead-letter queue to their consumer. */
export default {
  fetch: app.fetch,
  queue: createQueueConsumer(),
} satisfies ExportedHandler<Env, EventMessage>;
