/**
 * The fenced blocks of the project's Markdown and how each one is run ("Examples are tests" in
 * docs/testing.md). Everything here is pure: finding the blocks and their markers, parsing a curl
 * command line the way a POSIX shell and curl would, and matching an answer against the shape a
 * doc shows. test/local/doc-examples.test.ts checks that every block is marked and parses;
 * test/browser/doc-examples.test.ts runs them against the local stack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Every Markdown file whose examples a reader may copy: the README, docs/, the client's README. */
export function documentedFiles(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs, 'packages/client/README.md'];
}

export type Marker =
  /** Shown, never run; the reason says why (and names the test that covers it, where one does). */
  | { kind: 'not-run'; reason: string }
  /** curl command lines, run in order against the Worker and the local stack. */
  | { kind: 'curl' }
  /** Shell command lines, each run from the repository root; each must exit 0. */
  | { kind: 'command' }
  /**
   * A TypeScript (or JavaScript) program, run with Node in a scratch project where
   * `@otp-edge/client` and `jose` resolve. `given`: names the reader's own app supplies, which the
   * test provides (each function among them must be called); `check`: a script that imports the
   * example and exercises what it exports; `env`: the environment it runs with.
   */
  | { kind: 'node'; given: string[]; check: string | undefined; env: Record<string, string> };

export interface FencedBlock {
  /** Relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string, e.g. `sh` or `ts`. */
  info: string;
  /** The block's text, its indentation (inside a list item) removed. */
  text: string;
  /** The `<!-- example: ... -->` or `<!-- not-run: ... -->` comment on the line before the fence. */
  marker: Marker | undefined;
  /** Why the comment before the fence is not a valid marker. */
  markerProblem: string | undefined;
}

const MARKER = /^\s*<!--\s*(example|not-run):(.*?)-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

export function fencedBlocks(file: string): FencedBlock[] {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const line = lines[end] ?? '';
      const trimmed = line.trim();
      if (trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0]) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const previous = lines[index - 1] ?? '';
    const parsed = previous.includes('<!--') ? parseMarker(previous) : undefined;
    blocks.push({
      file,
      line: index + 1,
      info: info.trim(),
      text: body.join('\n'),
      marker: parsed?.ok ? parsed.marker : undefined,
      markerProblem: parsed && !parsed.ok ? parsed.problem : undefined,
    });
    index = end;
  }
  return blocks;
}

export function parseMarker(comment: string): { ok: true; marker: Marker } | { ok: false; problem: string } {
  const match = MARKER.exec(comment);
  if (!match) return { ok: false, problem: 'not of the form <!-- example: ... --> or <!-- not-run: ... -->' };
  const [, kind, rest = ''] = match;
  if (kind === 'not-run') {
    const reason = rest.trim();
    if (reason.length < 10) return { ok: false, problem: 'not-run needs a reason' };
    return { ok: true, marker: { kind: 'not-run', reason } };
  }
  const [runner, ...options] = rest.trim().split(/\s+/);
  if (runner === 'curl' || runner === 'command') {
    if (options.length > 0) return { ok: false, problem: `${runner} takes no options` };
    return { ok: true, marker: { kind: runner } };
  }
  if (runner !== 'node') return { ok: false, problem: `unknown runner "${runner}" (curl, command, node)` };
  const marker: Extract<Marker, { kind: 'node' }> = { kind: 'node', given: [], check: undefined, env: {} };
  for (const option of options) {
    const [name = '', ...value] = option.split('=');
    const joined = value.join('=');
    const known: readonly string[] = GIVEN_NAMES;
    if (name === 'given' && joined.split(',').every((given) => known.includes(given)))
      marker.given = joined.split(',');
    else if (name === 'check' && /^[a-z][a-z0-9-]*$/.test(joined)) marker.check = joined;
    else if (/^[A-Z][A-Z0-9_]*$/.test(name) && value.length > 0) marker.env[name] = joined;
    else
      return {
        ok: false,
        problem: `unknown node option "${option}" (given=${GIVEN_NAMES.join(',')}  check=name  NAME=value)`,
      };
  }
  return { ok: true, marker };
}

// ---------------------------------------------------------------------------------------------
// curl blocks

export interface CurlRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string | undefined;
}

/** What a `# ...` comment after a curl line says its answer is: `# 404 {...}`, `# {...}`, `# 204`. */
export interface ExpectedAnswer {
  /** Absent: any 2xx. */
  status: number | undefined;
  /** Absent: the body is not checked. */
  json: unknown;
}

export interface CurlStep {
  /** The command as written (continuation lines joined), with its 1-based line in the block. */
  source: string;
  line: number;
  /** The command's words, its `$NAME` variables still unexpanded (expanded when it runs). */
  words: ShellWord[];
  expect: ExpectedAnswer | undefined;
}

/**
 * A curl block: command lines (`\` continues one), blank lines, and `#` comments. The first
 * comment after a command that starts with a status or with JSON is its expected answer; other
 * comments are prose. Anything else is an error, so a new kind of command cannot slip in unrun.
 */
export function parseCurlBlock(text: string): CurlStep[] {
  const steps: CurlStep[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index] ?? '';
    const lineNumber = index + 1;
    if (line.trim() === '') continue;
    if (line.trimStart().startsWith('#')) {
      const answer = parseExpectedAnswer(line.trimStart().slice(1).trim(), lineNumber);
      const last = steps.at(-1);
      if (answer && last && !last.expect) last.expect = answer;
      else if (answer)
        throw new Error(`line ${lineNumber}: an expected answer without a curl command before it`);
      continue;
    }
    while (line.endsWith('\\') && index + 1 < lines.length) {
      index++;
      line = `${line.slice(0, -1)} ${(lines[index] ?? '').trim()}`;
    }
    const words = splitShellWords(line);
    if (words[0]?.text !== 'curl') throw new Error(`line ${lineNumber}: not a curl command: ${line}`);
    // Checked now, with dummy variables, so a malformed command fails the static test.
    parseCurl(words.map((word) => expandWord(word, () => 'x')));
    steps.push({ source: line.trim(), line: lineNumber, words, expect: undefined });
  }
  return steps;
}

function parseExpectedAnswer(comment: string, line: number): ExpectedAnswer | undefined {
  const match = /^(\d{3})?\s*([[{].*)?$/.exec(comment);
  if (!match || (!match[1] && !match[2])) return undefined;
  const [, status, json] = match;
  let parsed: unknown;
  if (json !== undefined) {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new Error(`line ${line}: the answer shown is not JSON (${(error as Error).message}): ${json}`);
    }
  }
  return { status: status === undefined ? undefined : Number(status), json: parsed };
}

/** curl's own reading of the options the docs use; any other option is refused. */
export function parseCurl(args: string[]): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: [string, string][] = [];
  const queue = args.slice(1);
  const optionValue = (option: string) => {
    const value = queue.shift();
    if (value === undefined) throw new Error(`curl: ${option} needs a value`);
    return value;
  };
  while (queue.length > 0) {
    const arg = queue.shift() ?? '';
    if (arg === '-X' || arg === '--request') method = optionValue(arg);
    else if (arg === '-H' || arg === '--header') {
      const header = optionValue(arg);
      const colon = header.indexOf(':');
      if (colon < 1) throw new Error(`curl: not a header: ${header}`);
      headers.push([header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim()]);
    } else if (arg === '-d' || arg === '--data' || arg === '--data-raw') {
      const data = optionValue(arg);
      if (arg !== '--data-raw' && data.startsWith('@'))
        throw new Error('curl: -d @file is not supported here');
      body = body === undefined ? data : `${body}&${data}`;
    } else if (/^-[sS]+$/.test(arg) || arg === '--silent' || arg === '--show-error') {
      // Output options only.
    } else if (arg.startsWith('-'))
      throw new Error(`curl: option ${arg} is not supported by the example runner`);
    else if (url === undefined) url = arg;
    else throw new Error(`curl: a second URL ${arg}`);
  }
  if (url === undefined) throw new Error('curl: no URL');
  // curl assumes http:// for a URL without a scheme, and sends -d as a form unless told otherwise.
  if (!/^[a-z]+:\/\//i.test(url)) url = `http://${url}`;
  if (body !== undefined && !headers.some(([name]) => name === 'content-type'))
    headers.push(['content-type', 'application/x-www-form-urlencoded']);
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, body };
}

// ---------------------------------------------------------------------------------------------
// POSIX shell words: quotes, backslashes, $NAME and ${NAME}, comments.

/** A word as parts: literal text and variables (expanded only when the command runs). */
export interface ShellWord {
  text: string;
  parts: ({ literal: string } | { variable: string })[];
}

export function splitShellWords(line: string): ShellWord[] {
  const words: ShellWord[] = [];
  let current: ShellWord | undefined;
  const add = (part: { literal: string } | { variable: string }) => {
    current ??= { text: '', parts: [] };
    current.parts.push(part);
    current.text += 'literal' in part ? part.literal : `$${part.variable}`;
  };
  const variableAt = (index: number): [string, number] | undefined => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(line.slice(index));
    if (braced?.[1]) return [braced[1], braced[0].length];
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(index));
    if (plain?.[1]) return [plain[1], plain[0].length];
    return undefined;
  };
  let index = 0;
  while (index < line.length) {
    const char = line[index] ?? '';
    if (/\s/.test(char)) {
      if (current) words.push(current);
      current = undefined;
      index++;
    } else if (char === '#' && !current) {
      break;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      add({ literal: line.slice(index + 1, end) });
      index = end + 1;
    } else if (char === '"') {
      index++;
      let closed = false;
      while (index < line.length) {
        const inner = line[index] ?? '';
        if (inner === '"') {
          closed = true;
          index++;
          break;
        }
        if (inner === '\\' && /["\\$`]/.test(line[index + 1] ?? '')) {
          add({ literal: line[index + 1] ?? '' });
          index += 2;
        } else if (inner === '$' && variableAt(index)) {
          const [variable, length] = variableAt(index) ?? ['', 1];
          add({ variable });
          index += length;
        } else if (inner === '`' || inner === '$') {
          throw new Error(`command substitution or an odd $ is not supported: ${line}`);
        } else {
          add({ literal: inner });
          index++;
        }
      }
      if (!closed) throw new Error(`unterminated " in: ${line}`);
      // An empty "" is still a word.
      add({ literal: '' });
    } else if (char === '\\') {
      add({ literal: line[index + 1] ?? '' });
      index += 2;
    } else if (char === '$') {
      const found = variableAt(index);
      if (!found) throw new Error(`an odd $ in: ${line}`);
      add({ variable: found[0] });
      index += found[1];
    } else if (/[<>|;&()`*?[\]{}~]/.test(char)) {
      throw new Error(`shell metacharacter ${char} outside quotes (quote the word): ${line}`);
    } else {
      add({ literal: char });
      index++;
    }
  }
  if (current) words.push(current);
  return words;
}

export function expandWord(word: ShellWord, variable: (name: string) => string): string {
  return word.parts.map((part) => ('literal' in part ? part.literal : variable(part.variable))).join('');
}

// ---------------------------------------------------------------------------------------------
// Answers against the shape a doc shows

/**
 * A doc's example answer is a shape: every key it shows must be there with the value shown (more
 * keys may be), an array's shown elements match the first ones, and a string written `"<...>"`
 * stands for any value. Returns what differs, by JSON path; empty when the answer fits.
 */
export function shapeMismatches(actual: unknown, expected: unknown, at = '$'): string[] {
  if (typeof expected === 'string' && /^<.*>$/s.test(expected))
    return actual === undefined ? [`${at}: missing (shown as ${expected})`] : [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length < expected.length)
      return [`${at}: expected at least ${expected.length} element(s), got ${actual.length}`];
    return expected.flatMap((element, index) => shapeMismatches(actual[index], element, `${at}[${index}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      shapeMismatches((actual as Record<string, unknown>)[key], value, `${at}.${key}`),
    );
  }
  return Object.is(actual, expected)
    ? []
    : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/**
 * What a reader's own app supplies to a node example (`given=...`), provided at run time by
 * test/browser/support/example-givens.ts and declared for the type-check by doc-examples.test.ts.
 */
export const GIVEN_NAMES = ['endUserIp', 'askUserForCode', 'yourBackend'] as const;

/** `<name>` in a command: filled in from an earlier answer in the same block, or `<code>`. */
export const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9_]*)>/g;
