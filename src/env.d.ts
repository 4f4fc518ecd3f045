// Worker vars and secrets arrive as strings; src/config/config-schema.ts parses and documents them.
interface Env {
  [name: string]: unknown;
  /** The static assets (wrangler.toml `[assets]`): the Worker reads only the OpenAPI document there. */
  ASSETS: Fetcher;
  /** The events queue (wrangler.toml `[[queues.producers]]`); absent: events are off. */
  EVENTS?: Queue<import('./otp/events/event-message.ts').EventMessage>;
}

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index.ts');
  }
}
