import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { PAGES_ASSETS_DIR } from '../../scripts/build-pages.ts';

function setting(file: string, name: string): string | undefined {
  return readFileSync(file, 'utf8')
    .match(new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm'))?.[1]
    ?.trim();
}

/** The config as wrangler itself resolves it, environment inheritance included. */
function wranglerConfig(configPath: string, env?: string) {
  return unstable_readConfig({ config: configPath, ...(env ? { env } : {}) });
}

const assetsDirOf = (configPath: string, directory: string | undefined) =>
  directory === undefined ? undefined : path.resolve(path.dirname(configPath), directory);

describe('the workerd tests run the Worker as it is deployed', () => {
  it.each(['compatibility_date', 'compatibility_flags'])(
    'test/wrangler.test.toml has the same %s',
    (name) => {
      const deployed = setting('wrangler.toml', name);
      expect(deployed).toBeDefined();
      expect(setting('test/wrangler.test.toml', name)).toBe(deployed);
    },
  );

  it('serves the static assets scripts/build-pages.ts builds, in the tests and in every environment', () => {
    const test = wranglerConfig('test/wrangler.test.toml');
    expect(assetsDirOf('test/wrangler.test.toml', test.assets?.directory)).toBe(PAGES_ASSETS_DIR);
    for (const env of [undefined, 'staging', 'dev']) {
      const deployed = wranglerConfig('wrangler.toml', env);
      expect(
        assetsDirOf('wrangler.toml', deployed.assets?.directory),
        `assets of ${env ?? 'top level'}`,
      ).toBe(PAGES_ASSETS_DIR);
      // Cloudflare answers /assets/* itself; every other path must reach the Worker, which applies
      // DOCS_PAGE and DEMO_PAGE, so nothing may be served in its place.
      expect(deployed.assets?.not_found_handling ?? 'none').toBe('none');
      expect(deployed.build.command).toBe('node scripts/build-pages.ts');
    }
  });
});

describe('the events queue is bound wherever the Worker runs', () => {
  it('every environment and the tests produce to EVENTS and consume it and its -dlq dead-letter queue', () => {
    const configs = [
      ['test/wrangler.test.toml', undefined],
      ['wrangler.toml', undefined],
      ['wrangler.toml', 'staging'],
      ['wrangler.toml', 'dev'],
    ] as const;
    const names = new Set<string>();
    type Producer = { binding: string; queue: string };
    type Consumer = { queue: string; dead_letter_queue?: string; max_retries?: number };
    for (const [file, env] of configs) {
      const config = wranglerConfig(file, env);
      const producers = (config.queues.producers ?? []) as Producer[];
      const consumers = (config.queues.consumers ?? []) as Consumer[];
      const producer = producers.find((entry) => entry.binding === 'EVENTS');
      expect(producer, `${file} ${env ?? ''}`).toBeDefined();
      const queue = producer?.queue ?? '';
      names.add(queue);
      const main = consumers.find((entry) => entry.queue === queue);
      // src/queue-consumer.ts tells the dead-letter queue by this suffix.
      expect(main?.dead_letter_queue, `${file} ${env ?? ''}`).toBe(`${queue}-dlq`);
      expect(main?.max_retries).toBeGreaterThan(0);
      expect(consumers.map((entry) => entry.queue)).toContain(`${queue}-dlq`);
    }
    // Each environment its own queue: staging's retries never reach production's webhook.
    expect(names.size).toBe(configs.length);
  });
});
