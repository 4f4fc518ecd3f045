/**
 * A loggable description of a store failure. @upstash/redis error messages end with
 * `command was: [...]`, which carries key names and script arguments (code HMACs): cut it off.
 */
export function describeStoreError(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error thrown';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout (${error.name})`;
  const message = error.message.split(', command was:')[0] ?? '';
  return `${error.name}: ${message.slice(0, 120)}`;
}
