import { loadConfig } from './config/config.ts';
import { recordDeadEvents } from './otp/dead-events.ts';
import { deliverEvents } from './otp/deliver-events.ts';
import type { EventMessage } from './otp/events/event-message.ts';
import { cryptoRandom, systemClock } from './otp/ports.ts';
import { createEventServices, type Runtime } from './wiring.ts';

/** The dead-letter queue of the events queue is named after it with this suffix (wrangler.toml). */
export const DEAD_LETTER_SUFFIX = '-dlq';

/**
 * The Worker's `queue` handler: batches of the events queue are delivered to the apps' webhooks
 * (src/otp/deliver-events.ts), batches of its dead-letter queue become dead records
 * (src/otp/dead-events.ts). One JSON log line per batch, with counts and never a payload.
 */
export function createQueueConsumer(runtime: Runtime = { clock: systemClock, random: cryptoRandom }) {
  return async (batch: MessageBatch<EventMessage>, env: Env): Promise<void> => {
    const line: Record<string, unknown> = { queue: batch.queue, messages: batch.messages.length };
    try {
      const loaded = loadConfig(env);
      if (!loaded.ok) {
        // Nothing can be signed or stored: keep the messages until the configuration is fixed.
        Object.assign(line, { outcome: 'misconfigured', problems: loaded.problems });
        batch.retryAll({ delaySeconds: 60 });
        return;
      }
      const services = createEventServices(loaded.config, runtime, env.EVENTS);
      if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
        await recordDeadEvents(
          batch.messages.map((message) => message.body),
          services,
        );
        batch.ackAll();
        line.outcome = 'dead';
        return;
      }
      const fates = await deliverEvents(
        batch.messages.map((message) => ({ body: message.body, attempts: message.attempts })),
        services,
      );
      let retried = 0;
      for (const [index, fate] of fates.entries()) {
        const message = batch.messages[index];
        if (!message) continue;
        if (fate.kind === 'ack') message.ack();
        else {
          retried += 1;
          message.retry({ delaySeconds: fate.delaySeconds });
        }
      }
      Object.assign(line, { outcome: 'delivered', retried });
    } finally {
      console.log(JSON.stringify(line));
    }
  };
}
