import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The Node version we state (package.json `engines.node`, which scripts/require-node.mjs enforces
// and .ci/run installs) must satisfy every locked package's own `engines.node`: a package that asks
// for more makes `npm ci` print EBADENGINE on a Node we call supported, and may not run there.

interface LockedPackage {
  engines?: { node?: string } | string[];
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

/** Where the project runs (workerd has binaries for these; test/local/lockfile-platforms.test.ts). */
const PLATFORMS = ['darwin', 'win32', 'linux'].flatMap((os) => ['x64', 'arm64'].map((cpu) => ({ os, cpu })));

/** npm's `os`/`cpu` lists: names, or `!name` exclusions; absent means any. */
function allows(list: string[] | undefined, value: string): boolean {
  if (list === undefined || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((entry) => !entry.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** A platform binary for, say, 32-bit Windows is never installed where the project can run. */
function installableHere(entry: LockedPackage): boolean {
  return PLATFORMS.some(({ os, cpu }) => allows(entry.os, os) && allows(entry.cpu, cpu));
}

type Version = [number, number, number];

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** `22`, `22.19`, `22.19.0` (missing parts are 0), with how many parts were given. */
function parseVersion(text: string): { version: Version; parts: number } {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a version: ${text}`);
  const parts = match[3] !== undefined ? 3 : match[2] !== undefined ? 2 : 1;
  return { version: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)], parts };
}

/**
 * Whether `version` satisfies an npm range, for the forms package-lock.json holds: `||` of
 * space-separated comparators `>=`, `>`, `<=`, `<`, `=`, `^`, `~` and bare versions. Any other
 * form throws, so a new one makes this test fail instead of passing unread.
 */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    // `>= 20` is `>=20`: npm allows a space between the operator and the version.
    const comparators = alternative
      .trim()
      .replace(/([<>=^~]+)\s+/g, '$1')
      .split(/\s+/);
    return comparators.every((comparator) => {
      const match = /^(>=|<=|>|<|=|\^|~)?(\S+)$/.exec(comparator);
      if (!match?.[2]) throw new Error(`unsupported range form: ${range}`);
      const { version: bound, parts } = parseVersion(match[2]);
      const order = compare(version, bound);
      switch (match[1]) {
        case '>=':
          return order >= 0;
        case '>':
          return order > 0;
        case '<=':
          return order <= 0;
        case '<':
          return order < 0;
        case '~':
          return (
            order >= 0 &&
            (parts === 1 ? version[0] === bound[0] : version[0] === bound[0] && version[1] === bound[1])
          );
        case '^': {
          if (order < 0) return false;
          if (bound[0] !== 0 || parts === 1) return version[0] === bound[0];
          if (bound[1] !== 0 || parts === 2) return version[0] === 0 && version[1] === bound[1];
          return compare(version, bound) === 0;
        }
        default:
          // A bare or `=` version: exact, or an x-range when parts are missing.
          return parts === 3
            ? order === 0
            : parts === 2
              ? version[0] === bound[0] && version[1] === bound[1]
              : version[0] === bound[0];
      }
    });
  });
}

/** `>=22.19.0`: the one form we state, so the minimum is one version. */
function statedMinimum(): Version {
  const match = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(manifest.engines.node);
  if (!match?.[1])
    throw new Error(`package.json engines.node should read >=X.Y.Z, got ${manifest.engines.node}`);
  return parseVersion(match[1]).version;
}

function lockedNodeRanges(): { location: string; range: string }[] {
  return Object.entries(lock.packages)
    .filter(([location, entry]) => location !== '' && installableHere(entry))
    .flatMap(([location, entry]) => {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      return range === undefined ? [] : [{ location, range }];
    });
}

describe('the Node minimum we state', () => {
  it('satisfies the engines.node range of every package in package-lock.json', () => {
    const minimum = statedMinimum();
    const ranges = lockedNodeRanges();
    expect(ranges.length).toBeGreaterThan(100);
    const unsatisfied = ranges.filter(({ range }) => !satisfies(minimum, range));
    expect(unsatisfied).toEqual([]);
  });

  it('is no higher than a locked package needs, except for our own reason (type stripping: 22.18)', () => {
    // The lowest version that satisfies every range: every range's lower bound tried as a candidate.
    const candidates = lockedNodeRanges()
      .flatMap(({ range }) => [...range.matchAll(/(\d+)(?:\.(\d+))?(?:\.(\d+))?/g)])
      .map((match): Version => [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)])
      .concat([[22, 18, 0]])
      .filter((version) => compare(version, [22, 18, 0]) >= 0)
      .sort(compare);
    const lowest = candidates.find((version) =>
      lockedNodeRanges().every(({ range }) => satisfies(version, range)),
    );
    expect(lowest).toEqual(statedMinimum());
  });

  it("the range check itself: a version below a package's floor fails it", () => {
    expect(satisfies([22, 18, 0], '>=22.19.0')).toBe(false);
    expect(satisfies([22, 19, 0], '>=22.19.0')).toBe(true);
    expect(satisfies([22, 19, 0], '^20.19.0 || ^22.13.0 || >=23.5.0')).toBe(true);
    expect(satisfies([22, 12, 0], '^20.19.0 || ^22.13.0 || >=23.5.0')).toBe(false);
    expect(satisfies([22, 19, 0], '^20.9.0')).toBe(false);
    expect(satisfies([22, 19, 0], '>= 20')).toBe(true);
    expect(satisfies([22, 19, 0], '^10 || ^12 || ^13.7 || ^14 || >=15.0.1')).toBe(true);
    expect(satisfies([13, 6, 0], '^10 || ^12 || ^13.7 || ^14 || >=15.0.1')).toBe(false);
    expect(() => satisfies([22, 19, 0], '22.x')).toThrow(/not a version/);
  });
});
