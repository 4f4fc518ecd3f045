import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayRedis, type ThrowawayRedis } from '../../local/redis-process.ts';
import { RedisConnection } from '../../local/redis-rest/redis-connection.ts';
import { parseRedisUrl } from '../../local/redis-rest/redis-url.ts';
import { RespError } from '../../local/redis-rest/resp-protocol.ts';

// The hand-written RESP2 client against a real redis-server: exact reply shapes, binary safety,
// and replies split across many TCP reads.

let redis: ThrowawayRedis;
let connection: RedisConnection;

beforeAll(async () => {
  redis = await startThrowawayRedis();
  connection = await RedisConnection.connect(parseRedisUrl(redis.url));
});
afterAll(async () => {
  connection?.destroy();
  await redis?.stop();
});

describe('RedisConnection', () => {
  it('returns status replies, bulk strings, integers, nil and errors as distinct values', async () => {
    const [ok, value, length, missing, error] = await connection.send([
      ['SET', 'conn:k', 'v'],
      ['GET', 'conn:k'],
      ['STRLEN', 'conn:k'],
      ['GET', 'conn:missing'],
      ['INCR', 'conn:k'],
    ]);
    expect(ok).toEqual(Buffer.from('OK'));
    expect(value).toEqual(Buffer.from('v'));
    expect(length).toBe(1);
    expect(missing).toBeNull();
    expect(error).toBeInstanceOf(RespError);
    expect((error as RespError).message).toMatch(/^ERR value is not an integer/);
  });

  it('parses nested arrays with nil and errors inside', async () => {
    const reply = await connection.call(
      'EVAL',
      'return {1, {"a", false}, redis.error_reply("BAD inner")}',
      '0',
    );
    expect(reply).toEqual([1, [Buffer.from('a'), null], new RespError('BAD inner')]);
  });

  it('keeps 64-bit integers exact', async () => {
    await connection.call('SET', 'conn:big', '9223372036854775806');
    expect(await connection.call('INCR', 'conn:big')).toBe(9223372036854775807n);
  });

  it('round-trips an 8 MB binary value that arrives in many TCP chunks', async () => {
    const value = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31 + (i >> 8)) & 0xff;
    await connection.call('SET', 'conn:blob', value);
    const reply = await connection.call('GET', 'conn:blob');
    expect(Buffer.isBuffer(reply) && reply.equals(value)).toBe(true);
  });

  it('matches replies to commands in order when many calls are in flight', async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => connection.call('ECHO', `msg-${i}`)),
    );
    expect(replies.map(String)).toEqual(Array.from({ length: 200 }, (_, i) => `msg-${i}`));
  });

  it('rejects pending and later calls once the connection is gone', async () => {
    const doomed = await RedisConnection.connect(parseRedisUrl(redis.url));
    const pending = doomed.call('BLPOP', 'conn:never', '0');
    doomed.destroy();
    await expect(pending).rejects.toThrow();
    await expect(doomed.call('PING')).rejects.toThrow();
    expect(doomed.usable).toBe(false);
  });
});
