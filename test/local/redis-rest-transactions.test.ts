import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';

// Pipelines (ordered, not atomic) and MULTI/EXEC transactions (atomic, never interleaved).

const TOKEN = 'redis-rest-transactions-test-token';
let stack: LocalRedisRest;
let redis: Redis;

beforeAll(async () => {
  stack = await startLocalRedisRest({ token: TOKEN });
  redis = new Redis({ url: stack.server.url, token: TOKEN, retry: false, enableAutoPipelining: false });
});
afterAll(async () => {
  await stack?.close();
});

function uniqueKey(name: string): string {
  return `tx-test:${name}:${Math.random().toString(36).slice(2)}`;
}

async function post(path: string, body: unknown) {
  const response = await fetch(`${stack.server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('pipelines', () => {
  it('runs the commands in order in one request and returns one result each', async () => {
    const key = uniqueKey('pipeline');
    stack.server.resetStats();
    const results = await redis.pipeline().set(key, '1').incr(key).incrby(key, 10).get(key).exec();
    expect(results).toEqual(['OK', 2, 12, 12]);
    expect(stack.server.stats()).toMatchObject({ requests: 1, pipelines: 1, commands: 4 });
  });

  it('reports a failing command in its own slot and still runs the ones after it', async () => {
    const key = uniqueKey('pipeline-error');
    const after = uniqueKey('after-error');
    const results = await redis
      .pipeline()
      .set(key, 'text')
      .incr(key)
      .set(after, 'ran')
      .exec({ keepErrors: true });
    expect(results[0]).toMatchObject({ result: 'OK' });
    expect(results[1]?.error).toMatch(/ERR value is not an integer/);
    expect(results[2]).toMatchObject({ result: 'OK' });
    expect(await redis.get(after)).toBe('ran');
  });

  it('makes exec() throw for a failed command unless errors are kept', async () => {
    const key = uniqueKey('pipeline-throw');
    await expect(redis.pipeline().set(key, 'text').incr(key).exec()).rejects.toThrow(/INCR|incr/);
  });

  it('batches concurrent auto-pipelined commands into one request', async () => {
    const autoPipelined = new Redis({ url: stack.server.url, token: TOKEN, retry: false });
    const keys = [uniqueKey('auto-a'), uniqueKey('auto-b'), uniqueKey('auto-c')];
    stack.server.resetStats();
    const results = await Promise.all(keys.map((key) => autoPipelined.incr(key)));
    expect(results).toEqual([1, 1, 1]);
    expect(stack.server.stats()).toMatchObject({ requests: 1, commands: 3 });
  });

  it('refuses a connection-state command without leaking it into later requests', async () => {
    const key = uniqueKey('db0');
    await redis.set(key, 'in db 0');
    const reply = await post('/pipeline', [
      ['SELECT', '1'],
      ['GET', key],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      { error: expect.stringMatching(/not available: SELECT/) },
      { result: 'in db 0' },
    ]);
    // Every pooled connection must still be on database 0.
    const reads = await Promise.all(Array.from({ length: 20 }, () => redis.get(key)));
    expect(new Set(reads)).toEqual(new Set(['in db 0']));
  });
});

describe('transactions (multi-exec)', () => {
  it('returns the result of every queued command', async () => {
    const key = uniqueKey('multi');
    stack.server.resetStats();
    const results = await redis.multi().set(key, '5').incr(key).get(key).exec();
    expect(results).toEqual(['OK', 6, 6]);
    expect(stack.server.stats()).toMatchObject({ requests: 1, transactions: 1, commands: 3 });
  });

  it('never interleaves concurrent transactions: each GET sees its own INCR', async () => {
    const key = uniqueKey('contended');
    const client = new Redis({ url: stack.server.url, token: TOKEN, retry: false });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.multi().incr(key).get(key).exec<[number, number]>()),
    );
    for (const [incremented, read] of results) expect(read).toBe(incremented);
    expect(results.map(([incremented]) => incremented).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('aborts the whole transaction on a queue-time error (EXECABORT) and the client throws', async () => {
    const key = uniqueKey('aborted');
    // hset with no fields goes out as ["hset", key]: wrong arity, rejected while queueing.
    const transaction = redis.multi().set(key, 'should not be written').hset(uniqueKey('hash'), {});
    await expect(transaction.exec()).rejects.toThrow(/EXECABORT/);
    expect(await redis.get(key)).toBeNull();
  });

  it('answers an aborted transaction with a single 400 error naming the cause', async () => {
    const key = uniqueKey('aborted-raw');
    const reply = await post('/multi-exec', [['SET', key, 'v'], ['GET']]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: expect.stringMatching(/^EXECABORT .*wrong number of arguments/) });
  });

  it('reports a runtime error in its slot while the other commands commit', async () => {
    const key = uniqueKey('runtime-error');
    const other = uniqueKey('committed');
    const reply = await post('/multi-exec', [
      ['SET', key, 'text'],
      ['INCR', key],
      ['SET', other, 'yes'],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      { result: 'OK' },
      { error: expect.stringMatching(/ERR value is not an integer/) },
      { result: 'OK' },
    ]);
    expect(await redis.get(other)).toBe('yes');
  });

  it('refuses WATCH inside a transaction without running any of it', async () => {
    const key = uniqueKey('watch');
    const reply = await post('/multi-exec', [
      ['SET', key, 'v'],
      ['WATCH', key],
    ]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
    expect(await redis.exists(key)).toBe(0);
  });
});
