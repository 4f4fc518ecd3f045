import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUIDES } from '../../src/http/guides.ts';
import { documentedFiles, fencedBlocks, parseCurlBlock } from '../support/doc-examples.ts';

/**
 * No example in the docs escapes `npm test`: every fenced block is run (by
 * test/browser/doc-examples.test.ts) or says why not, and what the runner will read parses.
 * Also: no relative link in the docs leads nowhere, since the README sends a newcomer to them.
 */
const files = documentedFiles();
const blocks = files.flatMap((file) => fencedBlocks(file));
const where = (block: { file: string; line: number }) => `${block.file}:${block.line}`;

describe('every fenced block in the docs is run or says why not', () => {
  it('finds the documented files and their blocks', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/api.md');
    expect(files).toContain('packages/client/README.md');
    expect(blocks.filter((block) => block.marker && block.marker.kind !== 'not-run').length).toBeGreaterThan(
      10,
    );
  });

  it('has a valid marker on the line before each opening fence', () => {
    const unmarked = blocks
      .filter((block) => !block.marker)
      .map(
        (block) =>
          `${where(block)}: ${block.markerProblem ?? 'no <!-- example: ... --> or <!-- not-run: ... --> before it'}`,
      );
    expect(unmarked).toEqual([]);
  });

  it('runs curl and command blocks as shell, node blocks as TypeScript or JavaScript', () => {
    const misfiled = blocks.flatMap((block) => {
      const kind = block.marker?.kind;
      if ((kind === 'curl' || kind === 'command') && block.info !== 'sh')
        return [`${where(block)}: ${kind} needs sh`];
      if (kind === 'node' && !/^(ts|js)$/.test(block.info)) return [`${where(block)}: node needs ts or js`];
      return [];
    });
    expect(misfiled).toEqual([]);
  });

  it('reads every curl block: commands, placeholders and the answers shown', () => {
    const problems: string[] = [];
    for (const block of blocks.filter((candidate) => candidate.marker?.kind === 'curl')) {
      try {
        expect(parseCurlBlock(block.text).length).toBeGreaterThan(0);
      } catch (error) {
        problems.push(`${where(block)}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("states each node example's environment in the text above it, and names an existing check", () => {
    const problems: string[] = [];
    for (const block of blocks) {
      if (block.marker?.kind !== 'node') continue;
      const above = readFileSync(block.file, 'utf8')
        .split('\n')
        .slice(Math.max(0, block.line - 20), block.line - 2)
        .join(' ');
      for (const [name, value] of Object.entries(block.marker.env))
        if (!above.includes(`${name}=${value}`) && !(above.includes(name) && above.includes(value)))
          problems.push(`${where(block)}: ${name}=${value} is not stated above the block`);
      const check = block.marker.check;
      if (check && !existsSync(`test/browser/support/example-checks/${check}.ts`))
        problems.push(`${where(block)}: no check ${check}`);
    }
    expect(problems).toEqual([]);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (!heading) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe('links in the docs', () => {
  it('lead to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [relative = '', anchor] = target.split('#');
        const resolved = relative ? path.join(path.dirname(file), relative) : file;
        if (!existsSync(resolved)) broken.push(`${file}: ${target} (no ${resolved})`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('take a README reader to every page in docs/ and to the client package', () => {
    const readme = readFileSync('README.md', 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#\s]+)/g)].map((match) => match[1]);
    expect(files.filter((file) => file !== 'README.md' && !linked.includes(file))).toEqual([]);
  });
});

describe('the API reference (/docs, from /openapi.json)', () => {
  it('names guides that exist in the repository', () => {
    const named = [...GUIDES.matchAll(/`([\w/.-]+\.md)`/g)].map((match) => match[1] ?? '');
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((file) => !existsSync(file))).toEqual([]);
  });
});
