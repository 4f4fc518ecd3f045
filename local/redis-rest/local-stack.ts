import { startThrowawayRedis, type ThrowawayRedis } from '../redis-process.ts';
import { type RedisRestServer, type RedisRestServerOptions, startRedisRestServer } from './server.ts';

export interface LocalRedisRestOptions extends Omit<RedisRestServerOptions, 'redisUrl'> {
  /** A running Redis to use; without it a throwaway redis-server is started (and stopped by close). */
  redisUrl?: string;
}

export interface LocalRedisRest {
  server: RedisRestServer;
  redisUrl: string;
  /** Set when this stack started its own redis-server. */
  throwawayRedis: ThrowawayRedis | undefined;
  close(): Promise<void>;
}

// The REST server in front of either a given Redis or a throwaway one: the Redis part of
// startLocalStack (local/stack.ts), and what the protocol tests in test/local start per file.
export async function startLocalRedisRest(options: LocalRedisRestOptions): Promise<LocalRedisRest> {
  const throwawayRedis = options.redisUrl === undefined ? await startThrowawayRedis() : undefined;
  const redisUrl = options.redisUrl ?? throwawayRedis?.url ?? '';
  let server: RedisRestServer;
  try {
    server = await startRedisRestServer({ ...options, redisUrl });
  } catch (error) {
    await throwawayRedis?.stop();
    throw error;
  }
  return {
    server,
    redisUrl,
    throwawayRedis,
    close: async () => {
      await server.close();
      await throwawayRedis?.stop();
    },
  };
}
