import { Redis } from '@upstash/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayRedis } from '../../local/redis-process.ts';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';
import { startRedisRestServer } from '../../local/redis-rest/server.ts';

// The HTTP surface: auth, request validation, response encoding, stats and fault injection.

const TOKEN = 'redis-rest-http-test-token';
let stack: LocalRedisRest;
let url: string;

beforeAll(async () => {
  stack = await startLocalRedisRest({ token: TOKEN });
  url = stack.server.url;
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await fetch(`${url}/__faults`, { method: 'DELETE', headers: auth() });
});

function auth(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function uniqueKey(name: string): string {
  return `http-test:${name}:${Math.random().toString(36).slice(2)}`;
}

async function request(path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, { method: 'POST', ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown };
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return request(path, { body, headers: { ...auth(), 'content-type': 'application/json', ...headers } });
}

async function stillServes(): Promise<void> {
  const reply = await post('/', '["PING"]');
  expect(reply).toMatchObject({ status: 200, json: { result: 'PONG' } });
}

describe('authentication', () => {
  it('makes the client throw when its token is wrong', async () => {
    const wrong = new Redis({ url, token: 'not-the-token', retry: false });
    await expect(wrong.get('anything')).rejects.toThrow(/Unauthorized/);
  });

  it('answers a missing or wrong bearer token with a 401 JSON error on every endpoint', async () => {
    for (const path of ['/', '/pipeline', '/multi-exec', '/__stats', '/__faults']) {
      expect(await request(path, { body: '["PING"]' })).toMatchObject({
        status: 401,
        json: { error: expect.any(String) },
      });
      expect(await request(path, { body: '["PING"]', headers: auth('wrong') })).toMatchObject({
        status: 401,
      });
    }
  });

  it('refuses the token as a _token query parameter: it would leak into logs and history', async () => {
    const reply = await request(`/?_token=${TOKEN}`, {
      body: '["PING"]',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply).toMatchObject({ status: 401, json: { error: expect.any(String) } });
  });
});

describe('request validation', () => {
  const malformed: [string, string, string][] = [
    ['/', 'not json at all', 'text that is not JSON'],
    ['/', '', 'an empty body'],
    ['/', '{}', 'an object instead of an array'],
    ['/', '[]', 'an empty command'],
    ['/', '["SET", "k", {"nested": true}]', 'an object argument'],
    ['/', '["SET", "k", ["nested"]]', 'an array argument'],
    ['/', '["SET", "k", null]', 'a null argument'],
    ['/', '"PING"', 'a bare string'],
    ['/pipeline', '[]', 'an empty pipeline'],
    ['/pipeline', '[[]]', 'a pipeline with an empty command'],
    ['/pipeline', '[[{}]]', 'a pipeline command with an object argument'],
    ['/pipeline', '["PING"]', 'a pipeline of strings instead of commands'],
    ['/pipeline', '{"0": ["PING"]}', 'a pipeline object'],
    ['/multi-exec', '[]', 'an empty transaction'],
    ['/multi-exec', '[[["SET"]]]', 'a transaction with a nested array argument'],
  ];

  it.each(malformed)(
    'answers %s with body %j (%s) with a 400 JSON error and keeps serving',
    async (path, body) => {
      const reply = await post(path, body);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ error: expect.any(String) });
      await stillServes();
    },
  );

  it('refuses a body over 10 MB with 413 and keeps serving', async () => {
    const reply = await post('/', JSON.stringify(['SET', uniqueKey('huge'), 'x'.repeat(11 * 1024 * 1024)]));
    expect(reply.status).toBe(413);
    expect(reply.json).toEqual({ error: expect.any(String) });
    await stillServes();
  });

  it('accepts a body just under the limit', async () => {
    const key = uniqueKey('large');
    const value = 'y'.repeat(9 * 1024 * 1024);
    expect((await post('/', JSON.stringify(['SET', key, value]))).status).toBe(200);
    const reply = await post('/', JSON.stringify(['STRLEN', key]));
    expect(reply.json).toEqual({ result: value.length });
  });

  it('answers an unknown path with 404 JSON and a wrong method with 405 JSON', async () => {
    expect(await request('/nope', { headers: auth(), body: '[]' })).toMatchObject({
      status: 404,
      json: { error: expect.any(String) },
    });
    expect(await request('/', { method: 'GET', headers: auth() })).toMatchObject({
      status: 405,
      json: { error: expect.any(String) },
    });
    expect(await request('/pipeline', { method: 'PUT', headers: auth(), body: '[["PING"]]' })).toMatchObject({
      status: 405,
    });
  });

  it('answers a Redis error on a single command with 400 and the Redis message', async () => {
    const reply = await post('/', '["NOSUCHCOMMAND"]');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: expect.stringMatching(/^ERR unknown command/) });
  });

  it('stores booleans as the text true / false', async () => {
    const key = uniqueKey('bool');
    await post('/', JSON.stringify(['SET', key, false]));
    expect((await post('/', JSON.stringify(['GET', key]))).json).toEqual({ result: 'false' });
  });
});

describe('Upstash-Encoding: base64', () => {
  const base64 = { 'upstash-encoding': 'base64' };
  const encode = (text: string) => Buffer.from(text).toString('base64');

  it('encodes string results but leaves a top-level OK, integers and null alone', async () => {
    const key = uniqueKey('encoded');
    expect((await post('/', JSON.stringify(['SET', key, 'héllo']), base64)).json).toEqual({ result: 'OK' });
    expect((await post('/', JSON.stringify(['GET', key]), base64)).json).toEqual({ result: encode('héllo') });
    expect((await post('/', JSON.stringify(['STRLEN', key]), base64)).json).toEqual({ result: 6 });
    expect((await post('/', JSON.stringify(['GET', uniqueKey('absent')]), base64)).json).toEqual({
      result: null,
    });
    expect((await post('/', '["PING"]', base64)).json).toEqual({ result: encode('PONG') });
  });

  it('encodes strings inside arrays, including an "OK" that is not top-level', async () => {
    const key = uniqueKey('encoded-array');
    await post('/', JSON.stringify(['RPUSH', key, 'OK', 'two']));
    expect((await post('/', JSON.stringify(['LRANGE', key, 0, -1]), base64)).json).toEqual({
      result: [encode('OK'), encode('two')],
    });
  });

  it('encodes each pipeline entry on its own and never encodes error text', async () => {
    const key = uniqueKey('encoded-pipeline');
    const reply = await post(
      '/pipeline',
      JSON.stringify([
        ['SET', key, 'v'],
        ['GET', key],
        ['INCR', key],
      ]),
      base64,
    );
    expect(reply.json).toEqual([
      { result: 'OK' },
      { result: encode('v') },
      { error: 'ERR value is not an integer or out of range' },
    ]);
  });

  it('sends strings as plain UTF-8 without the header', async () => {
    const key = uniqueKey('plain');
    await post('/', JSON.stringify(['SET', key, 'héllo']));
    expect((await post('/', JSON.stringify(['GET', key]))).json).toEqual({ result: 'héllo' });
  });
});

describe('stats', () => {
  async function stats() {
    return (await request('/__stats', { method: 'GET', headers: auth() })).json;
  }

  it('counts requests, commands, pipelines, transactions, scripts and errors, not itself', async () => {
    await request('/__stats', { method: 'DELETE', headers: auth() });
    const key = uniqueKey('stats');
    await post('/', JSON.stringify(['SET', key, '1']));
    await post(
      '/pipeline',
      JSON.stringify([
        ['INCR', key],
        ['INCR', key],
        ['GET', key],
      ]),
    );
    await post(
      '/multi-exec',
      JSON.stringify([
        ['INCR', key],
        ['EVAL', 'return 1', 0],
      ]),
    );
    await post('/', JSON.stringify(['HGET', key, 'wrong type']));
    const expected = { requests: 4, commands: 7, pipelines: 1, transactions: 1, errors: 1, scripts: 1 };
    expect(await stats()).toEqual(expected);
    expect(await stats()).toEqual(expected);
    expect(stack.server.stats()).toEqual(expected);
  });

  it('resets to zero with DELETE /__stats and with resetStats()', async () => {
    await post('/', '["PING"]');
    const reset = await request('/__stats', { method: 'DELETE', headers: auth() });
    expect(reset.status).toBe(200);
    const zero = { requests: 0, commands: 0, pipelines: 0, transactions: 0, errors: 0, scripts: 0 };
    expect(await stats()).toEqual(zero);
    await post('/', '["PING"]');
    stack.server.resetStats();
    expect(stack.server.stats()).toEqual(zero);
  });
});

describe('fault injection', () => {
  function injectFault(plan: unknown) {
    return post('/__faults', JSON.stringify(plan));
  }

  it('answers the next n requests with the injected status without touching Redis', async () => {
    const key = uniqueKey('fault');
    expect((await injectFault({ status: 503, count: 2 })).status).toBe(200);
    stack.server.resetStats();
    expect(await post('/', JSON.stringify(['SET', key, 'x']))).toMatchObject({
      status: 503,
      json: { error: expect.any(String) },
    });
    expect(await post('/pipeline', JSON.stringify([['SET', key, 'x']]))).toMatchObject({ status: 503 });
    expect(stack.server.stats()).toMatchObject({ requests: 2, commands: 0, errors: 2 });
    expect((await post('/', JSON.stringify(['GET', key]))).json).toEqual({ result: null });
  });

  it('makes the client throw on an injected 500 and recover afterwards', async () => {
    const redis = new Redis({ url, token: TOKEN, retry: false });
    await injectFault({ status: 500 });
    await expect(redis.get(uniqueKey('fault-client'))).rejects.toThrow(/500/);
    expect(await redis.get(uniqueKey('fault-client'))).toBeNull();
  });

  it('delays the next n requests by delayMs', async () => {
    await injectFault({ delayMs: 300, count: 1 });
    let started = performance.now();
    await stillServes();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    await stillServes();
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('serves `skip` requests normally before the plan applies (a failure in the middle of a request)', async () => {
    await injectFault({ status: 503, skip: 2, count: 1 });
    await stillServes();
    await stillServes();
    expect((await post('/', '["PING"]')).status).toBe(503);
    await stillServes();
  });

  it('combines a delay with a status', async () => {
    await injectFault({ status: 502, delayMs: 200 });
    const started = performance.now();
    const reply = await post('/', '["PING"]');
    expect(reply.status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('clears pending faults with DELETE /__faults', async () => {
    await injectFault({ status: 503, count: 5 });
    expect((await request('/__faults', { method: 'DELETE', headers: auth() })).status).toBe(200);
    await stillServes();
  });

  it('rejects a fault plan it cannot follow with 400', async () => {
    for (const plan of [{}, { status: 200 }, { status: 503, count: 0 }, { delayMs: -1 }, [503]]) {
      expect((await injectFault(plan)).status).toBe(400);
    }
    expect((await post('/__faults', 'not json')).status).toBe(400);
    await stillServes();
  });
});

describe('latencyMs', () => {
  it('delays every protocol request by the configured latency', async () => {
    const slow = await startRedisRestServer({ token: TOKEN, redisUrl: stack.redisUrl, latencyMs: 150 });
    try {
      const redis = new Redis({ url: slow.url, token: TOKEN, retry: false });
      const started = performance.now();
      await redis.ping();
      await redis.ping();
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await slow.close();
    }
  });
});

describe('response headers', () => {
  it('sends an upstash-sync-token for the client to echo', async () => {
    const reply = await post('/', '["PING"]');
    expect(reply.headers.get('upstash-sync-token')).toMatch(/^\d+$/);
    expect(reply.headers.get('content-type')).toBe('application/json');
  });
});

describe('when Redis is unreachable', () => {
  it('refuses to start against a Redis that does not answer', async () => {
    const gone = await startThrowawayRedis();
    await gone.stop();
    await expect(startRedisRestServer({ token: TOKEN, redisUrl: gone.url })).rejects.toThrow(
      /Cannot connect to Redis/,
    );
  });

  it('answers 502 JSON while Redis is down instead of crashing', async () => {
    const doomed = await startThrowawayRedis();
    const server = await startRedisRestServer({ token: TOKEN, redisUrl: doomed.url });
    try {
      const redis = new Redis({ url: server.url, token: TOKEN, retry: false });
      expect(await redis.ping()).toBe('PONG');
      await doomed.stop();
      for (const path of ['/', '/pipeline', '/multi-exec']) {
        const body = path === '/' ? '["PING"]' : '[["PING"]]';
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBe(502);
        expect(await response.json()).toEqual({ error: expect.stringMatching(/Redis unavailable/) });
      }
      await expect(redis.ping()).rejects.toThrow(/Redis unavailable/);
    } finally {
      await server.close();
      await doomed.stop();
    }
  });
});
