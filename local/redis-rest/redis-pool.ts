import { RedisConnection } from './redis-connection.ts';
import type { RedisEndpoint } from './redis-url.ts';

const DEFAULT_MAX_CONNECTIONS = 32;

/**
 * Twice the Worker's own store timeout (STORE_TIMEOUT_MS, 1.5 s): the Worker always gives up
 * first and sees its own timeout, while no request keeps a pooled connection longer than this.
 */
export const DEFAULT_REPLY_DEADLINE_MS = 3_000;

/** A batch whose replies did not all arrive in time; its connection was closed and is replaced. */
export class RedisDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`Redis did not answer within ${deadlineMs} ms; the connection was closed`);
  }
}

export interface RedisPoolOptions {
  /** Default 32. */
  maxConnections?: number;
  /** How long one batch may hold a connection. Default DEFAULT_REPLY_DEADLINE_MS. */
  replyDeadlineMs?: number;
}

// Each HTTP request checks out a connection for its whole batch: a pipeline's commands then run
// in order, and a MULTI ... EXEC block can never interleave with another request's commands.
export class RedisPool {
  readonly #endpoint: RedisEndpoint;
  readonly #maxConnections: number;
  readonly #replyDeadlineMs: number;
  readonly #idle: RedisConnection[] = [];
  readonly #all = new Set<RedisConnection>();
  readonly #waiters: (() => void)[] = [];
  #opening = 0;
  #closed = false;

  constructor(endpoint: RedisEndpoint, options: RedisPoolOptions = {}) {
    this.#endpoint = endpoint;
    this.#maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.#replyDeadlineMs = options.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
  }

  // Past the deadline the connection is destroyed, not returned: Redis may still send the late
  // replies, and a reused connection would hand them to the next request. Its slot is freed at
  // once, and a fresh connection is opened when one is next needed.
  async withConnection<T>(work: (connection: RedisConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    const deadline = setTimeout(
      () => connection.destroy(new RedisDeadlineError(this.#replyDeadlineMs)),
      this.#replyDeadlineMs,
    );
    try {
      return await work(connection);
    } finally {
      clearTimeout(deadline);
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
