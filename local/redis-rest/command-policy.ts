// Which commands the REST server refuses, and why. Refusals are decided before a pooled connection
// is borrowed, so a refused command never reaches Redis.
//
// Upstash's own REST API only runs the commands listed at
// https://upstash.com/docs/redis/overall/rediscompatibility: none of CONFIG, REPLICAOF/SLAVEOF,
// MODULE, DEBUG, SHUTDOWN, SWAPDB, MIGRATE, MONITOR, SYNC/PSYNC, SAVE/BGSAVE/BGREWRITEAOF, ACL,
// FAILOVER or CLUSTER is there, and transactions and connection state (MULTI, EXEC, SELECT, AUTH,
// HELLO, CLIENT, SUBSCRIBE, ...) are TCP-only (https://upstash.com/docs/redis/commands/transactions/exec):
// over HTTP the /multi-exec endpoint is the transaction API. Upstash does list the blocking
// commands; this server refuses them anyway (see BLOCKING_COMMANDS).

type RefusalReason = 'connection-state' | 'server-state' | 'blocking';

// They change the state of the pooled connection they run on (or its reply stream), which would
// leak into the next request that borrows it.
const CONNECTION_STATE_COMMANDS = [
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
];

// They change the Redis server itself (its configuration, replication, modules, databases, files on
// disk, or whether it runs at all): a store client never needs them, and with CONFIG SET dir plus
// SAVE they write files wherever Redis may.
const SERVER_STATE_COMMANDS = [
  'config',
  'replicaof',
  'slaveof',
  'module',
  'debug',
  'shutdown',
  'swapdb',
  'migrate',
  'save',
  'bgsave',
  'bgrewriteaof',
  'acl',
  'failover',
  'cluster',
];

// They hold their pooled connection until data arrives or their timeout passes (`0`: for ever): 32
// of them starve every other request. No client of this service blocks; Lua scripts cannot block.
const BLOCKING_COMMANDS = [
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
];

const REASONS: ReadonlyMap<string, RefusalReason> = new Map([
  ...CONNECTION_STATE_COMMANDS.map((name) => [name, 'connection-state'] as const),
  ...SERVER_STATE_COMMANDS.map((name) => [name, 'server-state'] as const),
  ...BLOCKING_COMMANDS.map((name) => [name, 'blocking'] as const),
]);

const TRANSACTION_COMMANDS = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch']);

// XREAD and XREADGROUP block only with a BLOCK option; without it they are ordinary reads.
function isBlockingStreamRead(name: string, args: readonly string[]): boolean {
  if (name !== 'xread' && name !== 'xreadgroup') return false;
  return args.some((arg, index) => index > 0 && arg.toLowerCase() === 'block');
}

// The error text for a refused command, or undefined when it may run.
export function refusalFor(args: readonly string[]): string | undefined {
  const name = args[0]?.toLowerCase() ?? '';
  const reason = isBlockingStreamRead(name, args) ? 'blocking' : REASONS.get(name);
  if (reason === undefined) return undefined;
  const command = name.toUpperCase();
  switch (reason) {
    case 'connection-state':
      return TRANSACTION_COMMANDS.has(name)
        ? `ERR Command is not available: ${command}: send transactions to /multi-exec`
        : `ERR Command is not available: ${command}`;
    case 'server-state':
      return `ERR Command is not available: ${command} changes the Redis server, not data`;
    case 'blocking':
      return `ERR Command is not available: ${command} blocks a pooled connection; use its non-blocking form`;
  }
}

export function isScriptCommand(args: readonly string[]): boolean {
  const name = args[0]?.toLowerCase();
  return name === 'eval' || name === 'evalsha' || name === 'eval_ro' || name === 'evalsha_ro';
}
