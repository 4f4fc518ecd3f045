import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';
import { RedisConnection } from '../../local/redis-rest/redis-connection.ts';
import { parseRedisUrl } from '../../local/redis-rest/redis-url.ts';

// Data round trips through the real @upstash/redis client, the REST server and a real redis-server.

const TOKEN = 'redis-rest-data-test-token';
let stack: LocalRedisRest;

beforeAll(async () => {
  stack = await startLocalRedisRest({ token: TOKEN });
});
afterAll(async () => {
  await stack?.close();
});

let keyCounter = 0;
function uniqueKey(name: string): string {
  keyCounter += 1;
  return `data-test:${name}:${keyCounter}:${Math.random().toString(36).slice(2)}`;
}

async function rawCommand(command: unknown[], headers: Record<string, string> = {}) {
  const response = await fetch(stack.server.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(command),
  });
  return { status: response.status, text: await response.text() };
}

const clientVariants = [
  { name: 'default client (auto-pipelining, base64)', options: {} },
  { name: 'client without auto-pipelining', options: { enableAutoPipelining: false } },
  { name: 'client without base64 response encoding', options: { responseEncoding: false as const } },
];

describe.each(clientVariants)('$name', ({ options }) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis({ url: stack.server.url, token: TOKEN, retry: false, ...options });
  });

  it('keeps a digit string with a leading zero as the same string', async () => {
    const key = uniqueKey('leading-zero');
    await redis.set(key, '012345');
    expect(await redis.get(key)).toBe('012345');
  });

  it('returns a plain digit string as a number because the client deserialises JSON', async () => {
    const key = uniqueKey('digits');
    await redis.set(key, '123456');
    expect(await redis.get(key)).toBe(123456);
    const raw = new Redis({
      url: stack.server.url,
      token: TOKEN,
      automaticDeserialization: false,
      ...options,
    });
    expect(await raw.get(key)).toBe('123456');
  });

  it('round-trips unicode text unchanged', async () => {
    const key = uniqueKey('unicode');
    const text = 'Grüße, 世界! 👋🏽 — ñ ø ß';
    await redis.set(key, text);
    expect(await redis.get(key)).toBe(text);
    expect(await redis.strlen(key)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('returns null for a missing key', async () => {
    expect(await redis.get(uniqueKey('missing'))).toBeNull();
  });

  it('stores structured values as JSON and reads them back as objects', async () => {
    const key = uniqueKey('json');
    await redis.set(key, { code: '000123', attempts: 2 });
    expect(await redis.get(key)).toEqual({ code: '000123', attempts: 2 });
  });

  it('sets TTLs with SET EX / PX and EXPIRE and reports them with TTL / PTTL', async () => {
    const key = uniqueKey('ttl');
    await redis.set(key, 'v', { ex: 100 });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);

    await redis.set(key, 'v', { px: 5_000 });
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);

    expect(await redis.expire(key, 30)).toBe(1);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(30);

    const persistent = uniqueKey('no-ttl');
    await redis.set(persistent, 'v');
    expect(await redis.ttl(persistent)).toBe(-1);
    expect(await redis.ttl(uniqueKey('absent'))).toBe(-2);
  });

  it('lets a key set with a short PX expire', async () => {
    const key = uniqueKey('expires');
    await redis.set(key, 'v', { px: 50 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await redis.get(key)).toBeNull();
  });

  it('honours SET NX by refusing to overwrite', async () => {
    const key = uniqueKey('nx');
    expect(await redis.set(key, 'first', { nx: true })).toBe('OK');
    expect(await redis.set(key, 'second', { nx: true })).toBeNull();
    expect(await redis.get(key)).toBe('first');
  });

  it('reads and writes hash fields with HSET, HGET, HGETALL and HINCRBY', async () => {
    const key = uniqueKey('hash');
    expect(await redis.hset(key, { code: '012345', attempts: 0, phone: '+15550100' })).toBe(3);
    expect(await redis.hget(key, 'code')).toBe('012345');
    expect(await redis.hincrby(key, 'attempts', 2)).toBe(2);
    expect(await redis.hgetall(key)).toEqual({ code: '012345', attempts: 2, phone: '+15550100' });
    expect(await redis.hgetall(uniqueKey('no-hash'))).toBeNull();
  });

  it('adds, lists and removes set members', async () => {
    const key = uniqueKey('set');
    expect(await redis.sadd(key, 'a', 'b', 'c')).toBe(3);
    expect(await redis.sadd(key, 'a')).toBe(0);
    expect(await redis.sismember(key, 'b')).toBe(1);
    expect(await redis.srem(key, 'b')).toBe(1);
    expect((await redis.smembers(key)).sort()).toEqual(['a', 'c']);
    expect(await redis.scard(key)).toBe(2);
  });

  it('orders sorted set members by score and returns scores with WITHSCORES', async () => {
    const key = uniqueKey('zset');
    await redis.zadd(key, { score: 3, member: 'c' }, { score: 1, member: 'a' }, { score: 2.5, member: 'b' });
    expect(await redis.zrange(key, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await redis.zrange(key, 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2.5, 'c', 3]);
    expect(await redis.zincrby(key, 10, 'a')).toBe(11);
    expect(await redis.zscore(key, 'a')).toBe(11);
  });

  it('counts with INCR and deletes with DEL', async () => {
    const key = uniqueKey('counter');
    expect(await redis.incr(key)).toBe(1);
    expect(await redis.incr(key)).toBe(2);
    expect(await redis.incrby(key, 40)).toBe(42);
    expect(await redis.del(key, uniqueKey('never-existed'))).toBe(1);
    expect(await redis.exists(key)).toBe(0);
  });

  it('surfaces a Redis error as a thrown client error carrying the Redis message', async () => {
    const key = uniqueKey('not-a-number');
    await redis.set(key, 'abc');
    await expect(redis.incr(key)).rejects.toThrow(/ERR value is not an integer/);
  });

  it('stores a boolean as its JSON text', async () => {
    const key = uniqueKey('boolean');
    await redis.set(key, true);
    expect(await redis.get(key)).toBe(true);
  });
});

describe('raw protocol values', () => {
  it('returns HGETALL as a flat RESP2 array, never an object', async () => {
    const key = uniqueKey('flat-hash');
    await rawCommand(['HSET', key, 'f1', 'v1', 'f2', 'v2']);
    const reply = await rawCommand(['HGETALL', key]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ result: ['f1', 'v1', 'f2', 'v2'] });
  });

  it('carries every byte value intact through base64 response encoding', async () => {
    const key = uniqueKey('binary');
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const direct = await RedisConnection.connect(parseRedisUrl(stack.redisUrl));
    try {
      await direct.call('SET', key, allBytes);
    } finally {
      direct.destroy();
    }
    const reply = await rawCommand(['GET', key], { 'upstash-encoding': 'base64' });
    const { result } = JSON.parse(reply.text) as { result: string };
    expect(Buffer.from(result, 'base64').equals(allBytes)).toBe(true);

    const nested = await rawCommand(['MGET', key, key], { 'upstash-encoding': 'base64' });
    const { result: values } = JSON.parse(nested.text) as { result: string[] };
    expect(values.map((value) => Buffer.from(value, 'base64').equals(allBytes))).toEqual([true, true]);
  });

  it('relays integers beyond 2^53 digit for digit in both directions', async () => {
    const key = uniqueKey('big-int');
    // Written by hand: JSON.stringify would round the number before it reaches the server.
    const response = await fetch(stack.server.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: `["INCRBY", "${key}", 9007199254740993]`,
    });
    expect(await response.text()).toBe('{"result":9007199254740993}');
  });

  it('sends numbers to Redis as their decimal text', async () => {
    const key = uniqueKey('float');
    await rawCommand(['SET', key, 12.5]);
    expect(JSON.parse((await rawCommand(['GET', key])).text)).toEqual({ result: '12.5' });
    await rawCommand(['SET', key, 7]);
    expect(JSON.parse((await rawCommand(['INCRBY', key, 3])).text)).toEqual({ result: 10 });
  });
});
