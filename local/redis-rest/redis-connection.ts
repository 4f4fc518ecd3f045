import net from 'node:net';
import type { RedisEndpoint } from './redis-url.ts';
import { encodeCommand, isRespError, parseReply, type RespValue } from './resp-protocol.ts';

export type CommandArgs = readonly (string | Buffer)[];

interface PendingReply {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

const CONNECT_TIMEOUT_MS = 5_000;

// One TCP connection to Redis. Commands are written back to back and replies matched in order
// (Redis answers a connection's commands strictly in sequence), so a batch costs one write.
//
// Why not ioredis: the REST protocol must relay each reply's RESP type exactly. ioredis turns an
// integer reply above 2^53 into a rounded number, or (with `stringNumbers`) into a string that
// can no longer be told from a bulk string, which Upstash encodes differently; it throws error
// replies instead of keeping them as values beside results; and its reconnect and offline queue
// would replay a batch that this server must instead answer with a 502 or a 504.
export class RedisConnection {
  readonly #socket: net.Socket;
  readonly #pending: PendingReply[] = [];
  #chunks: Buffer[] = [];
  #bufferedLength = 0;
  #neededLength = 0;
  #failure: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('Redis connection closed')));
  }

  static async connect(endpoint: RedisEndpoint): Promise<RedisConnection> {
    const socket = await openSocket(endpoint);
    const connection = new RedisConnection(socket);
    try {
      await connection.#handshake(endpoint);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return connection;
  }

  get usable(): boolean {
    return this.#failure === undefined;
  }

  send(commands: readonly CommandArgs[]): Promise<RespValue[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const replies = commands.map(
      () => new Promise<RespValue>((resolve, reject) => this.#pending.push({ resolve, reject })),
    );
    this.#socket.write(Buffer.concat(commands.map((args) => encodeCommand(args))));
    return Promise.all(replies);
  }

  async call(...args: CommandArgs): Promise<RespValue> {
    const [reply] = await this.send([args]);
    return reply ?? null;
  }

  /** `reason` is what every reply still pending rejects with. */
  destroy(reason: Error = new Error('Redis connection destroyed')): void {
    this.#fail(reason);
    this.#socket.destroy();
  }

  async #handshake(endpoint: RedisEndpoint): Promise<void> {
    const setup: string[][] = [];
    if (endpoint.password !== undefined) {
      setup.push(
        endpoint.username === undefined
          ? ['AUTH', endpoint.password]
          : ['AUTH', endpoint.username, endpoint.password],
      );
    }
    if (endpoint.db !== 0) setup.push(['SELECT', String(endpoint.db)]);
    if (setup.length === 0) return;
    for (const reply of await this.send(setup)) {
      if (reply !== null && isRespError(reply)) throw new Error(`Redis handshake failed: ${reply.message}`);
    }
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bufferedLength += chunk.length;
    if (this.#bufferedLength < this.#neededLength) return;
    const buffer =
      this.#chunks.length === 1 && this.#chunks[0] ? this.#chunks[0] : Buffer.concat(this.#chunks);
    let offset = 0;
    try {
      while (offset < buffer.length) {
        const outcome = parseReply(buffer, offset);
        if (!outcome.complete) {
          this.#neededLength = outcome.needed - offset;
          break;
        }
        offset = outcome.end;
        const waiter = this.#pending.shift();
        if (!waiter) throw new Error('Redis sent a reply nobody asked for');
        waiter.resolve(outcome.value);
      }
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      this.#socket.destroy();
      return;
    }
    const rest = buffer.subarray(offset);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#bufferedLength = rest.length;
    if (rest.length === 0) this.#neededLength = 0;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#pending.splice(0)) waiter.reject(this.#failure);
  }
}

function openSocket(endpoint: RedisEndpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Timed out connecting to Redis at ${endpoint.host}:${endpoint.port}`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot connect to Redis at ${endpoint.host}:${endpoint.port}: ${error.message}`));
    });
  });
}
