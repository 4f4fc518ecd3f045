import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function setting(file: string, name: string): string | undefined {
  return readFileSync(file, 'utf8')
    .match(new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm'))?.[1]
    ?.trim();
}

describe('the workerd tests run the Worker as it is deployed', () => {
  it.each(['compatibility_date', 'compatibility_flags'])(
    'test/wrangler.test.toml has the same %s',
    (name) => {
      const deployed = setting('wrangler.toml', name);
      expect(deployed).toBeDefined();
      expect(setting('test/wrangler.test.toml', name)).toBe(deployed);
    },
  );
});
