// Upstash accepts script shebang flags that stock Redis does not know (@upstash/ratelimit 2.1+
// starts every script with `#!lua flags=allow-key-locking`); Redis 7.0 rejects the whole script
// with "ERR Unexpected flag in script shebang". These are the flags Redis 7.0 understands.
export const REDIS_SCRIPT_FLAGS: ReadonlySet<string> = new Set([
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
]);

// The script with flags Redis does not know removed from its shebang line, or undefined when Redis
// would accept it as it is. A shebang left without flags stays `#!lua`: that keeps Redis in the
// same (non-compatibility) script mode the author asked for.
export function stripUnsupportedShebangFlags(script: string): string | undefined {
  if (!script.startsWith('#!')) return undefined;
  const newline = script.indexOf('\n');
  const firstLine = newline === -1 ? script : script.slice(0, newline);
  const rest = newline === -1 ? '' : script.slice(newline);
  const carriageReturn = firstLine.endsWith('\r') ? '\r' : '';
  const [engine, ...options] = firstLine.slice(0, firstLine.length - carriageReturn.length).split(/[ \t]+/);
  // Anything else is an error Redis should report itself.
  if (engine !== '#!lua') return undefined;

  let removedAny = false;
  const keptOptions: string[] = [];
  for (const option of options) {
    if (option === '') continue;
    if (!option.startsWith('flags=')) {
      keptOptions.push(option);
      continue;
    }
    const flags = option.slice('flags='.length).split(',');
    const known = flags.filter((flag) => REDIS_SCRIPT_FLAGS.has(flag));
    if (known.length !== flags.filter((flag) => flag !== '').length) removedAny = true;
    if (known.length > 0) keptOptions.push(`flags=${known.join(',')}`);
  }
  if (!removedAny) return undefined;
  return `${['#!lua', ...keptOptions].join(' ')}${carriageReturn}${rest}`;
}
