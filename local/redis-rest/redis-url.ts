export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
}

export function parseRedisUrl(url: string): RedisEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `Invalid Redis URL ${JSON.stringify(url)}: expected redis://[user:password@]host:port[/db]`,
    );
  }
  if (parsed.protocol !== 'redis:') {
    throw new Error(
      `Unsupported Redis URL scheme ${JSON.stringify(parsed.protocol)}: only redis:// is supported`,
    );
  }
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0)
    throw new Error(`Invalid Redis database number in ${JSON.stringify(url)}`);
  return {
    // URL keeps IPv6 literals bracketed; net.connect wants them bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    db,
  };
}

// For log lines: never print a password from a URL someone passed on the command line.
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid redis url>';
  }
}
