/** What bench/results.md says about where and how a figure was taken. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** The figures the README quotes: tracked, rewritten only by a run given `--write`. */
export const RESULTS_FILE = new URL('./results.md', import.meta.url);
/** Where a run writes by default: untracked (.gitignore), so trying a bench leaves `git status` clean. */
export const LOCAL_RESULTS_FILE = new URL('./results.local.md', import.meta.url);

/**
 * Where a bench's figures go: the tracked bench/results.md only when asked (`--write`), nowhere with
 * `--no-write`, else the untracked bench/results.local.md.
 */
export function resultsDestination(flags: { write?: boolean; 'no-write'?: boolean }): URL | undefined {
  if (flags['no-write']) return undefined;
  return flags.write ? RESULTS_FILE : LOCAL_RESULTS_FILE;
}

/** `bench/results.md`, for a log line. */
export function repoPath(file: URL): string {
  return `bench/${file.pathname.slice(file.pathname.lastIndexOf('/') + 1)}`;
}

export function machineLines(
  redisVersion: string,
  worker = 'the Worker under `wrangler dev` (workerd)',
): string[] {
  const cpus = os.cpus();
  return [
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${worker}, Redis ${redisVersion}, everything on this one machine`,
  ];
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function ms(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1);
}

/** The file's sections: `# …` preamble and each `## …` section by title. */
function sections(text: string): { title: string; body: string }[] {
  const parts = text.split(/^(?=## )/m);
  return parts.map((part) => ({ title: /^## (.*)$/m.exec(part)?.[1]?.trim() ?? '', body: part }));
}

/**
 * Replaces the `## {title}` section of `file` (default bench/results.md) (or adds it, last or
 * `first`); the rest of the file stays, except that `keepOnly` drops every section whose title
 * starts with none of its entries (the bench rewrites its own part but keeps the soak's and the
 * pumping runs').
 */
export function writeSection(
  title: string,
  body: string,
  options: { keepOnly?: string[]; first?: boolean; file?: URL } = {},
): void {
  const file = options.file ?? RESULTS_FILE;
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const next = `## ${title}\n\n${body.trim()}\n\n`;
  let parts = sections(existing);
  if (options.keepOnly) {
    const keep = options.keepOnly;
    parts = parts.filter((part) => keep.some((title) => part.title.startsWith(title)));
  }
  const index = parts.findIndex((part) => part.title === title);
  if (index !== -1) parts.splice(index, 1);
  if (options.first) parts.unshift({ title, body: next });
  else if (index !== -1) parts.splice(index, 0, { title, body: next });
  else parts.push({ title, body: next });
  const head =
    '# otp-edge benchmark results\n\nWritten by `npm run bench`, `npm run bench:soak` and `npm run bench:pumping` (bench/).\n\n';
  const text = parts
    .filter((part) => part.title !== '')
    .map((part) => part.body.trimEnd())
    .join('\n\n');
  writeFileSync(file, `${head}${text}\n`);
}
