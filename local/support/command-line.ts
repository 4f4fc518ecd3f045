// What the sandboxes' command lines share: options read strictly (node:util parseArgs), `-h` and
// `--help` printing the usage, and every problem reported with the usage and exit code 2, the
// code shells use for a usage error.

import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/**
 * Reads `process.argv` against `options` (plus `-h`/`--help`, which prints `usage` and exits 0).
 * `fail` and `count` report a problem found later, in a setting, the same way as a parse error.
 */
export function readCommandLine<const Options extends ParseArgsOptionsConfig>(
  usage: string,
  options: Options,
) {
  const fail = (problem: string): never => {
    process.stderr.write(`${problem}\n\n${usage}`);
    process.exit(2);
  };
  /** A whole number from 0 to `max`; `fallback` when absent or empty. */
  const count = (name: string, raw: string | undefined, fallback: number, max: number): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^[0-9]+$/.test(raw) || Number(raw) > max) fail(`--${name} must be an integer between 0 and ${max}`);
    return Number(raw);
  };
  const parse = () =>
    parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  let values: ReturnType<typeof parse>;
  try {
    values = parse();
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if ('help' in values && values.help === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return { values, fail, count };
}
