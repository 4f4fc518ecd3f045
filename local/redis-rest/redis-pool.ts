import { RedisConnection } from './redis-connection.ts';
import type { RedisEndpoint } from './redis-url.ts';

const DEFAULT_MAX_CONNECTIONS = 32;

// Each HTTP request checks out a connection for its whole batch: a pipeline's commands then run
// in order, and a MULTI ... EXEC block can never interleave with another request's commands.
export class RedisPool {
  readonly #endpoint: RedisEndpoint;
  readonly #maxConnections: number;
  readonly #idle: RedisConnection[] = [];
  readonly #all = new Set<RedisConnection>();
  readonly #waiters: (() => void)[] = [];
  #opening = 0;
  #closed = false;

  constructor(endpoint: RedisEndpoint, maxConnections = DEFAULT_MAX_CONNECTIONS) {
    this.#endpoint = endpoint;
    this.#maxConnections = maxConnections;
  }

  async withConnection<T>(work: (connection: RedisConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    try {
      return await work(connection);
    } finally {
      this.#release(connection);
    }
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#all) connection.destroy();
    this.#all.clear();
    this.#idle.length = 0;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #acquire(): Promise<RedisConnection> {
    for (;;) {
      if (this.#closed) throw new Error('Redis connection pool is closed');
      const idle = this.#idle.pop();
      if (idle) {
        if (idle.usable) return idle;
        this.#discard(idle);
        continue;
      }
      if (this.#all.size + this.#opening < this.#maxConnections) return await this.#open();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async #open(): Promise<RedisConnection> {
    this.#opening++;
    try {
      const connection = await RedisConnection.connect(this.#endpoint);
      if (this.#closed) {
        connection.destroy();
        throw new Error('Redis connection pool is closed');
      }
      this.#all.add(connection);
      return connection;
    } catch (error) {
      // A failed open frees its slot: let a queued request try (and most likely report the error).
      this.#waiters.shift()?.();
      throw error;
    } finally {
      this.#opening--;
    }
  }

  #release(connection: RedisConnection): void {
    if (connection.usable && !this.#closed) this.#idle.push(connection);
    else this.#discard(connection);
    this.#waiters.shift()?.();
  }

  #discard(connection: RedisConnection): void {
    this.#all.delete(connection);
    connection.destroy();
  }
}
