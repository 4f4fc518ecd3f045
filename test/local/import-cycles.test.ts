import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT, importsOf, SRC, sourceFiles } from './support/src-imports.ts';

/** Every import circle, each as the list of files around it (depth-first search). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target]);
      else if (state.get(target) === undefined && graph.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return cycles;
}

describe('src/ import graph', () => {
  it('the cycle finder sees a circle through three files and none in a chain', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(importCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    const chain = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ]);
    expect(importCycles(chain)).toEqual([]);
  });

  it('the import parser reads type-only, multi-line, re-export and side-effect imports', () => {
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
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(10);
    const graph = new Map(files.map((file) => [relative(SRC, file), importsOf(file).files]));
    expect(importCycles(graph)).toEqual([]);
  });
});
