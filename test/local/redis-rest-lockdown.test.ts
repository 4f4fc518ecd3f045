import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';
import { RedisConnection } from '../../local/redis-rest/redis-connection.ts';
import { RedisDeadlineError, RedisPool } from '../../local/redis-rest/redis-pool.ts';
import { parseRedisUrl } from '../../local/redis-rest/redis-url.ts';
import { startRedisRestServer } from '../../local/redis-rest/server.ts';

// What keeps a web page (or anything else on the machine) from driving the local Redis, and what
// keeps one request from starving the others: every refusal, each proven against a real Redis.

const TOKEN = 'redis-rest-lockdown-test-token';
const JSON_TYPE = { 'content-type': 'application/json' };
let stack: LocalRedisRest;
let url: string;
let direct: RedisConnection;

beforeAll(async () => {
  stack = await startLocalRedisRest({ token: TOKEN });
  url = stack.server.url;
  direct = await RedisConnection.connect(parseRedisUrl(stack.redisUrl));
});
afterAll(async () => {
  direct?.destroy();
  await stack?.close();
});

function uniqueKey(name: string): string {
  return `lockdown-test:${name}:${Math.random().toString(36).slice(2)}`;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

/** What Redis itself holds, read past the REST server. */
async function storedValue(key: string): Promise<string | null> {
  const value = await direct.call('GET', key);
  return Buffer.isBuffer(value) ? value.toString() : null;
}

describe('browser requests', () => {
  it.each(['/', '/pipeline', '/multi-exec', '/__stats', '/__faults'])(
    'answers %s with 403 JSON when an Origin header is sent, even with the right token, and runs nothing',
    async (path) => {
      const key = uniqueKey('origin');
      const body = path === '/' ? ['SET', key, 'x'] : [['SET', key, 'x']];
      const reply = await post(path, body, { origin: 'https://evil.example' });
      expect(reply).toEqual({ status: 403, json: { error: expect.stringMatching(/Origin/) } });
      expect(await storedValue(key)).toBeNull();
    },
  );

  it.each([
    ['text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
  ])('answers a %s body (all a no-cors fetch can send) with 415 JSON and runs nothing', async (type) => {
    const key = uniqueKey('content-type');
    for (const path of ['/', '/pipeline', '/multi-exec']) {
      const body = path === '/' ? ['SET', key, 'x'] : [['SET', key, 'x']];
      const reply = await post(path, body, { 'content-type': type });
      expect(reply).toEqual({ status: 415, json: { error: expect.stringMatching(/application\/json/) } });
    }
    expect(await storedValue(key)).toBeNull();
  });

  it('answers a body without any content type with 415', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new Uint8Array(Buffer.from('["PING"]')),
    });
    expect(response.status).toBe(415);
  });

  it('serves @upstash/redis unchanged: it sends JSON, a bearer token and no Origin', async () => {
    const redis = new Redis({ url, token: TOKEN, retry: false });
    const key = uniqueKey('client');
    await redis.set(key, 'value');
    expect(await redis.get(key)).toBe('value');
  });
});

// One sample call per refused command; arguments are what an attacker would send.
const REFUSED: [string, ...string[]][] = [
  ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['SLAVEOF', 'NO', 'ONE'],
  ['MODULE', 'LIST'],
  ['DEBUG', 'SLEEP', '0'],
  ['SHUTDOWN', 'NOSAVE'],
  ['SWAPDB', '0', '1'],
  ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000'],
  ['MONITOR'],
  ['SYNC'],
  ['PSYNC', '?', '-1'],
  ['SAVE'],
  ['BGSAVE'],
  ['BGREWRITEAOF'],
  ['ACL', 'SETUSER', 'intruder', 'on', '>pw', '+@all'],
  ['FAILOVER'],
  ['CLUSTER', 'INFO'],
  ['BLPOP', 'k', '0'],
  ['BRPOP', 'k', '0'],
  ['BRPOPLPUSH', 'a', 'b', '0'],
  ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'],
  ['BLMPOP', '0', '1', 'k', 'LEFT'],
  ['BZPOPMIN', 'k', '0'],
  ['BZPOPMAX', 'k', '0'],
  ['BZMPOP', '0', '1', 'k', 'MIN'],
  ['WAIT', '1', '0'],
  ['WAITAOF', '1', '0', '0'],
  ['XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>'],
  ['CLIENT', 'PAUSE', '100000'],
  ['SELECT', '1'],
];

describe('commands that change the server or block', () => {
  it.each(REFUSED)('refuses %s on / with a 400 JSON error naming it', async (...command) => {
    const reply = await post('/', command);
    expect(reply).toEqual({
      status: 400,
      json: { error: expect.stringContaining(`not available: ${command[0]}`) },
    });
  });

  it.each(REFUSED)(
    'refuses %s inside /pipeline by name and still runs the commands around it',
    async (...command) => {
      const key = uniqueKey('pipeline');
      const reply = await post('/pipeline', [['SET', key, 'before'], command, ['GET', key]]);
      expect(reply).toEqual({
        status: 200,
        json: [
          { result: 'OK' },
          { error: expect.stringContaining(`not available: ${command[0]}`) },
          { result: 'before' },
        ],
      });
    },
  );

  it.each(REFUSED)(
    'refuses %s inside /multi-exec with a 400 naming it, and runs none of the transaction',
    async (...command) => {
      const key = uniqueKey('multi');
      const reply = await post('/multi-exec', [['SET', key, 'x'], command]);
      expect(reply).toEqual({
        status: 400,
        json: { error: expect.stringMatching(new RegExp(`^EXECABORT.*not available: ${command[0]}`)) },
      });
      expect(await storedValue(key)).toBeNull();
    },
  );

  it('leaves the server as it was: CONFIG SET through the REST server changes nothing', async () => {
    const before = await direct.call('CONFIG', 'GET', 'maxmemory-policy');
    await post('/', ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
    await post('/pipeline', [['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']]);
    expect(await direct.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(before);
  });

  it('still runs XREAD without BLOCK: only its blocking form is refused', async () => {
    const key = uniqueKey('stream');
    await post('/', ['XADD', key, '*', 'field', 'value']);
    const reply = await post('/', ['XREAD', 'COUNT', '1', 'STREAMS', key, '0']);
    expect(reply.status).toBe(200);
  });

  it('answers PING at once while 40 BLPOP k 6 calls arrive together (the pool holds 32)', async () => {
    const key = uniqueKey('blpop');
    const blockers = Array.from({ length: 40 }, () => post('/', ['BLPOP', key, '6']));
    const started = performance.now();
    const ping = await post('/', ['PING']);
    const pingMs = performance.now() - started;
    const refusals = await Promise.all(blockers);
    expect(ping).toEqual({ status: 200, json: { result: 'PONG' } });
    expect(refusals.every((reply) => reply.status === 400)).toBe(true);
    expect(pingMs).toBeLessThan(500);
    console.info(`PING took ${pingMs.toFixed(1)} ms next to 40 refused BLPOP k 6`);
  });
});

describe('the reply deadline on pooled connections', () => {
  it('closes a connection whose reply is late, frees its slot, and the next request gets a fresh one', async () => {
    // Straight at the pool: BLPOP is refused over HTTP, but it is the plainest way to make Redis
    // keep one connection waiting while it serves the others.
    const pool = new RedisPool(parseRedisUrl(stack.redisUrl), { maxConnections: 1, replyDeadlineMs: 300 });
    try {
      const started = performance.now();
      const stuck = pool.withConnection((connection) => connection.call('BLPOP', uniqueKey('stuck'), '0'));
      const ping = pool.withConnection((connection) => connection.call('PING'));
      await expect(stuck).rejects.toBeInstanceOf(RedisDeadlineError);
      expect(await ping).toEqual(Buffer.from('PONG'));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_000);
      const clients = await direct.call('CLIENT', 'LIST', 'TYPE', 'normal');
      expect(String(clients)).not.toMatch(/cmd=blpop/);
    } finally {
      pool.close();
    }
  });

  it('answers a request whose reply is late with 504 JSON and keeps serving', async () => {
    const server = await startRedisRestServer({
      token: TOKEN,
      redisUrl: stack.redisUrl,
      replyDeadlineMs: 250,
    });
    try {
      // A script that keeps Redis busy for 700 ms: nothing a client sends can hold a reply longer.
      const busy = `local t = redis.call('TIME') local s = t[1] * 1e6 + t[2]
        repeat local n = redis.call('TIME') until n[1] * 1e6 + n[2] - s > 700000 return 1`;
      const started = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, ...JSON_TYPE },
        body: JSON.stringify(['EVAL', busy, 0]),
      });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(504);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/did not answer within 250 ms/) });
      expect(elapsed).toBeLessThan(600);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await new Redis({ url: server.url, token: TOKEN, retry: false }).ping()).toBe('PONG');
    } finally {
      await server.close();
    }
  });
});
