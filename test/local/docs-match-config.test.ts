import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';

// The settings the Worker actually reads, straight from the schema that parses them.
const settings = Object.keys(configSchema._zod.def.shape);

/** The settings docs/configuration.md's table has a row for (first column, `A` / `B` rows too). */
function configurationTableRows(): string[] {
  return readFileSync('docs/configuration.md', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) =>
      [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1] ?? ''),
    );
}

describe('documentation tells the truth about configuration', () => {
  it('the schema has the settings this test expects to find', () => {
    expect(settings).toContain('OTP_SECRET');
    expect(settings.length).toBeGreaterThan(20);
  });

  it.each(['.dev.vars.example', 'docs/configuration.md'])(
    '%s documents every setting the Worker reads',
    (file) => {
      const text = readFileSync(file, 'utf8');
      const missing = settings.filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
      expect(missing).toEqual([]);
    },
  );

  it('docs/configuration.md has a table row for every setting, and none for a setting the Worker does not read', () => {
    const rows = configurationTableRows();
    expect(settings.filter((name) => !rows.includes(name))).toEqual([]);
    expect(rows.filter((name) => !settings.includes(name))).toEqual([]);
  });

  it('.dev.vars.example documents no setting the Worker does not read', () => {
    const documented = [
      ...readFileSync('.dev.vars.example', 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm),
    ].map((match) => match[1]);
    expect(documented.filter((name) => name && !settings.includes(name))).toEqual([]);
  });
});
