import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, SRC, sourceFiles } from './support/src-imports.ts';

/**
 * The arrows of docs/architecture.md: http -> otp -> ports <- adapters, and only src/wiring.ts
 * builds adapters. Each rule lists the files that break it, so a failure names them.
 */
const files = sourceFiles().map((file) => ({ path: relative(SRC, file), ...importsOf(file) }));
const under = (folder: string) => files.filter((file) => file.path.startsWith(folder));
const VENDOR_PACKAGES = /^(@upstash\/|hono|@hono\/)/;

describe('layers of src/', () => {
  it('the rules below see files in every layer they speak of', () => {
    for (const folder of ['otp/', 'adapters/upstash/', 'adapters/plivo/', 'http/routes/']) {
      expect(under(folder).length, folder).toBeGreaterThan(1);
    }
  });

  it('use cases (src/otp) import no adapter, no HTTP code, no wiring and no vendor library', () => {
    const offenders = under('otp/').filter(
      (file) =>
        file.files.some((target) => /^(adapters|http|config)\/|^wiring\.ts$|^app\.ts$/.test(target)) ||
        file.packages.some((name) => VENDOR_PACKAGES.test(name)),
    );
    expect(offenders.map((file) => file.path)).toEqual([]);
  });

  it('routes import no adapter, no store code and no wiring, and stay short', () => {
    const routes = under('http/routes/');
    const offenders = routes.filter(
      (file) =>
        file.files.some((target) => /^adapters\/|^wiring\.ts$/.test(target)) ||
        file.packages.some((name) => name.startsWith('@upstash/')),
    );
    expect(offenders.map((file) => file.path)).toEqual([]);
    const long = routes.filter((file) => readFileSync(`${SRC}/${file.path}`, 'utf8').split('\n').length > 81);
    expect(long.map((file) => file.path)).toEqual([]);
  });

  it('adapters import no HTTP code and no other adapter folder; only wiring.ts builds them', () => {
    const adapterFolder = (path: string) => path.split('/').slice(0, 2).join('/');
    const crossing = under('adapters/').filter((file) =>
      file.files.some(
        (target) =>
          /^http\/|^wiring\.ts$|^app\.ts$/.test(target) ||
          (target.startsWith('adapters/') && adapterFolder(target) !== adapterFolder(file.path)),
      ),
    );
    expect(crossing.map((file) => file.path)).toEqual([]);
    const builders = files.filter(
      (file) =>
        !file.path.startsWith('adapters/') && file.files.some((target) => target.startsWith('adapters/')),
    );
    expect(builders.map((file) => file.path)).toEqual(['wiring.ts']);
  });
});
