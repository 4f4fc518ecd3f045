import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm ci` refuses a lockfile that lacks an optional dependency some locked package declares, and
// a lockfile written by npm on a machine whose registry lacked other platforms' binaries lacks
// exactly those: the README's first command then fails on every other machine, a Mac included.

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** Where Node would find `name` from the package installed at `from`: nested first, then upwards. */
function resolveLocked(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base}${base === '' ? '' : '/'}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/**
 * Packages whose binary comes in one package per platform, and the name of that package (undefined
 * where the vendor publishes none: workerd has no Windows arm64 build).
 */
const PLATFORM_BINARIES = {
  '@biomejs/biome': (os: string, cpu: string) => `@biomejs/cli-${os}-${cpu}`,
  workerd: (os: string, cpu: string) =>
    os === 'win32'
      ? cpu === 'x64'
        ? '@cloudflare/workerd-windows-64'
        : undefined
      : `@cloudflare/workerd-${os}-${cpu === 'x64' ? '64' : 'arm64'}`,
  esbuild: (os: string, cpu: string) => `@esbuild/${os}-${cpu}`,
} as const satisfies Record<string, (os: string, cpu: string) => string | undefined>;

const PLATFORMS = ['darwin', 'win32', 'linux'].flatMap((os) => ['x64', 'arm64'].map((cpu) => ({ os, cpu })));

describe('package-lock.json installs on every platform', () => {
  it('locks every optional dependency that a locked package declares', () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveLocked(location, name)) missing.push(`${name} (wanted by ${location || 'the root'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(PLATFORM_BINARIES) as (keyof typeof PLATFORM_BINARIES)[])(
    'locks %s for darwin, win32 and linux on x64 and arm64, wherever it is installed',
    (name) => {
      const installs = Object.keys(lock.packages).filter(
        (location) => location === `node_modules/${name}` || location.endsWith(`/node_modules/${name}`),
      );
      expect(installs.length).toBeGreaterThan(0);
      for (const location of installs) {
        const wanted = PLATFORMS.flatMap(({ os, cpu }) => PLATFORM_BINARIES[name](os, cpu) ?? []);
        const unlocked = wanted.filter((binary) => !resolveLocked(location, binary));
        expect(unlocked, `${location} @ ${lock.packages[location]?.version}`).toEqual([]);
      }
    },
  );
});
