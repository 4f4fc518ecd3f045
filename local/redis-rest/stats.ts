export interface RedisRestStats {
  requests: number;
  commands: number;
  pipelines: number;
  transactions: number;
  errors: number;
  scripts: number;
}

export function emptyStats(): RedisRestStats {
  return { requests: 0, commands: 0, pipelines: 0, transactions: 0, errors: 0, scripts: 0 };
}
