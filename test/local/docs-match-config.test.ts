import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';

// The settings the Worker actually reads, straight from the schema that parses them.
const settings = Object.keys(configSchema._zod.def.shape);

describe('documentation tells the truth about configuration', () => {
  it('the schema has the settings this test expects to find', () => {
    expect(settings).toContain('OTP_SECRET');
    expect(settings.length).toBeGreaterThan(20);
  });

  it.each(['.dev.vars.example', 'README.md'])('%s documents every setting the Worker reads', (file) => {
    const text = readFileSync(file, 'utf8');
    const missing = settings.filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
    expect(missing).toEqual([]);
  });

  it('.dev.vars.example documents no setting the Worker does not read', () => {
    const documented = [
      ...readFileSync('.dev.vars.example', 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm),
    ].map((match) => match[1]);
    expect(documented.filter((name) => name && !settings.includes(name))).toEqual([]);
  });
});
