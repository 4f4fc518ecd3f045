import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
// `import ... from '…'`, `export ... from '…'` and `import '…'`, type-only ones included: a type
// import that loops back still ties two files into one unit a reader must hold in mind at once.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(IMPORT)]
        .map((match) => resolve(dirname(file), match[1] ?? ''))
        .filter((target) => known.has(target));
      return [file, targets];
    }),
  );
}

/** Every import circle, each as the list of files around it (depth-first search, white/grey/black). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target]);
      else if (state.get(target) === undefined) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return cycles.map((cycle) => cycle.map((file) => relative(SRC, file)));
}

describe('src/ import graph', () => {
  it('the cycle finder sees a circle through three files and none in a chain', () => {
    const circle = new Map([
      [join(SRC, 'a.ts'), [join(SRC, 'b.ts')]],
      [join(SRC, 'b.ts'), [join(SRC, 'c.ts')]],
      [join(SRC, 'c.ts'), [join(SRC, 'a.ts')]],
    ]);
    expect(importCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    const chain = new Map([
      [join(SRC, 'a.ts'), [join(SRC, 'b.ts')]],
      [join(SRC, 'b.ts'), [join(SRC, 'c.ts')]],
      [join(SRC, 'c.ts'), []],
    ]);
    expect(importCycles(chain)).toEqual([]);
  });

  it('the import parser reads type-only, multi-line and re-export imports', () => {
    const text =
      "import type { A } from './a.ts';\nimport {\n  b,\n  c,\n} from '../b.ts';\nexport { d } from './d.ts';\nimport './e.ts';";
    expect([...text.matchAll(IMPORT)].map((match) => match[1])).toEqual([
      './a.ts',
      '../b.ts',
      './d.ts',
      './e.ts',
    ]);
  });

  it('no file in src/ imports a file that imports it back, directly or through others', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(10);
    expect(importCycles(importGraph(files))).toEqual([]);
  });
});
