// Commands that change the state of the pooled connection they run on (or its reply stream) would
// leak into the next request that borrows it, so they are refused here, as Upstash refuses them.
const CONNECTION_STATE_COMMANDS = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'auth',
  'hello',
  'reset',
  'quit',
  'client',
  'monitor',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'sync',
  'psync',
  'replconf',
  'readonly',
  'readwrite',
]);

// The error text for a refused command, or undefined when it may run.
export function refusalFor(args: readonly string[]): string | undefined {
  const name = args[0]?.toLowerCase() ?? '';
  if (!CONNECTION_STATE_COMMANDS.has(name)) return undefined;
  const hint = ['multi', 'exec', 'discard', 'watch', 'unwatch'].includes(name)
    ? ': send transactions to /multi-exec'
    : '';
  return `ERR Command is not available: ${name.toUpperCase()}${hint}`;
}

export function isScriptCommand(args: readonly string[]): boolean {
  const name = args[0]?.toLowerCase();
  return name === 'eval' || name === 'evalsha' || name === 'eval_ro' || name === 'evalsha_ro';
}
