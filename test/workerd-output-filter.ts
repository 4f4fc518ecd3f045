/**
 * workerd reports every outbound connection that fails (refused, reset, closed without an answer)
 * as an "uncaught exception … Network connection lost" on its own output, even when the Worker
 * caught the rejected `fetch`: a probe that only did `fetch('http://127.0.0.1:9').catch(() => {})`
 * printed it too. @cloudflare/vitest-plugin already drops a list of such runtime messages; these
 * are the ones it misses. The tests that cause them are the ones that make a dependency (store,
 * limiter, siteverify) unreachable on purpose and assert the 503; without this filter a green run
 * prints what looks like a crash. Only these exact runtime lines are dropped: an exception the
 * Worker itself leaves unhandled has its own message and still shows.
 */
const RUNTIME_CONNECTION_NOISE = [
  /^uncaught exception; source = Uncaught \(in promise\); stack = Error: Network connection lost\.$/,
  /^uncaught exception; exception = .*: disconnected: jsg\.Error: Network connection lost\.$/,
  /^exception = .*: disconnected: Connection refused \(os error 111\)$/,
];

export function dropWorkerdConnectionNoise(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let dropNextStack = false;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    const kept = chunk.split('\n').filter((line) => {
      if (line === '') return true;
      // workerd follows each report with a line of native stack addresses.
      if (dropNextStack && line.startsWith('stack: ')) {
        dropNextStack = false;
        return false;
      }
      dropNextStack = RUNTIME_CONNECTION_NOISE.some((pattern) => pattern.test(line));
      return !dropNextStack;
    });
    if (kept.join('') === '' && chunk !== '') return true;
    return write(kept.join('\n'), ...rest);
  }) as typeof stream.write;
}
