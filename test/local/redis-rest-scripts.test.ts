import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';
import { stripUnsupportedShebangFlags } from '../../local/redis-rest/script-flags.ts';

// Lua scripts through the REST server: EVAL / EVALSHA, the NOSCRIPT fallback, the shebang-flag
// rewrite Upstash-only flags need on stock Redis, and @upstash/ratelimit on top of all of it.

const TOKEN = 'redis-rest-scripts-test-token';
let stack: LocalRedisRest;
let redis: Redis;

beforeAll(async () => {
  stack = await startLocalRedisRest({ token: TOKEN });
  redis = new Redis({ url: stack.server.url, token: TOKEN, retry: false });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.server.resetStats();
});

function uniqueName(name: string): string {
  return `scripts-test:${name}:${Math.random().toString(36).slice(2)}`;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

describe('EVAL and EVALSHA', () => {
  it('runs a script with EVAL, passing keys and arguments', async () => {
    const key = uniqueName('eval');
    const result = await redis.eval(
      'redis.call("SET", KEYS[1], ARGV[1]); return redis.call("GET", KEYS[1])',
      [key],
      ['hello'],
    );
    expect(result).toBe('hello');
  });

  it('falls back from NOSCRIPT to EVAL on first use, then needs one request per call', async () => {
    // A unique script text, so Redis cannot have it cached from another test.
    const script = redis.createScript<number>(`-- ${uniqueName('tag')}\nreturn redis.call("INCR", KEYS[1])`);
    const key = uniqueName('counter');

    expect(await script.exec([key], [])).toBe(1);
    expect(stack.server.stats()).toMatchObject({ requests: 2, scripts: 2, errors: 1 });

    stack.server.resetStats();
    expect(await script.exec([key], [])).toBe(2);
    expect(stack.server.stats()).toMatchObject({ requests: 1, scripts: 1, errors: 0 });
  });

  it('answers EVALSHA for a script Redis never saw with NOSCRIPT', async () => {
    await expect(redis.evalsha(sha1(uniqueName('unknown')), [], [])).rejects.toThrow(/NOSCRIPT/);
  });

  it('returns nested arrays, integers and nil from a script as RESP2 shapes', async () => {
    const result = await redis.eval('return {1, "two", {3, "four"}, false}', [], []);
    expect(result).toEqual([1, 'two', [3, 'four'], null]);
  });
});

describe('shebang flags Redis 7.0 does not know', () => {
  const lockingScript = (tag: string) =>
    `#!lua flags=allow-key-locking\n-- ${tag}\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])`;

  it('runs a script declaring flags=allow-key-locking instead of failing with an unexpected flag', async () => {
    const key = uniqueName('locking');
    expect(await redis.eval(lockingScript(uniqueName('tag')), [key], [5])).toBe(5);
  });

  it('serves the client EVALSHA of the original text after one EVAL, in a single request', async () => {
    const script = redis.createScript<number>(lockingScript(uniqueName('tag')));
    const key = uniqueName('locking-sha');
    expect(await script.exec([key], ['1'])).toBe(1);

    stack.server.resetStats();
    expect(await script.exec([key], ['1'])).toBe(2);
    expect(stack.server.stats()).toMatchObject({ requests: 1, commands: 1, errors: 0 });
  });

  it('keeps the flags Redis knows, so a no-writes script still cannot write', async () => {
    const script = `#!lua flags=no-writes,allow-key-locking\nreturn redis.call("SET", KEYS[1], "x")`;
    await expect(redis.eval(script, [uniqueName('readonly')], [])).rejects.toThrow(
      /Write commands are not allowed/,
    );
  });

  it('answers SCRIPT LOAD with the SHA1 of the text the client sent, usable with EVALSHA', async () => {
    const text = lockingScript(uniqueName('tag'));
    const loadedSha = await redis.scriptLoad(text);
    expect(loadedSha).toBe(sha1(text));
    expect(await redis.scriptExists(loadedSha)).toEqual([1]);
    expect(await redis.evalsha(loadedSha, [uniqueName('loaded')], [3])).toBe(3);
  });
});

describe('stripUnsupportedShebangFlags', () => {
  it('drops unknown flags and keeps known ones in order', () => {
    expect(stripUnsupportedShebangFlags('#!lua flags=no-writes,allow-key-locking,allow-oom\nreturn 1')).toBe(
      '#!lua flags=no-writes,allow-oom\nreturn 1',
    );
  });

  it('leaves a bare #!lua when no flag survives', () => {
    expect(stripUnsupportedShebangFlags('#!lua flags=allow-key-locking\nreturn 1')).toBe('#!lua\nreturn 1');
  });

  it('keeps a CRLF shebang line ending', () => {
    expect(stripUnsupportedShebangFlags('#!lua flags=allow-key-locking\r\nreturn 1')).toBe(
      '#!lua\r\nreturn 1',
    );
  });

  it('returns undefined when Redis accepts the script as it is', () => {
    expect(stripUnsupportedShebangFlags('return 1')).toBeUndefined();
    expect(stripUnsupportedShebangFlags('#!lua\nreturn 1')).toBeUndefined();
    expect(stripUnsupportedShebangFlags('#!lua flags=no-writes\nreturn 1')).toBeUndefined();
    // Not ours to fix: Redis reports the unknown engine itself.
    expect(stripUnsupportedShebangFlags('#!python flags=allow-key-locking\nreturn 1')).toBeUndefined();
  });
});

describe('@upstash/ratelimit 2.2.0, unchanged', () => {
  const algorithms = [
    { name: 'fixedWindow', limiter: () => Ratelimit.fixedWindow(5, '10 s') },
    { name: 'slidingWindow', limiter: () => Ratelimit.slidingWindow(5, '10 s') },
    { name: 'tokenBucket', limiter: () => Ratelimit.tokenBucket(5, '10 s', 5) },
  ];

  it.each(algorithms)('$name allows exactly 5 requests, then blocks', async ({ limiter }) => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: limiter(),
      ephemeralCache: false,
      analytics: false,
      prefix: uniqueName('ratelimit'),
    });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await ratelimit.limit('caller');
      expect(result.reason).toBeUndefined();
      outcomes.push(result.success);
    }
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);
  });

  it.each(algorithms)(
    '$name costs one HTTP request per limit() once its script is known',
    async ({ limiter }) => {
      const ratelimit = new Ratelimit({
        redis,
        limiter: limiter(),
        ephemeralCache: false,
        analytics: false,
        prefix: uniqueName('ratelimit-trips'),
      });
      await ratelimit.limit('caller');
      for (let i = 0; i < 3; i++) {
        stack.server.resetStats();
        await ratelimit.limit('caller');
        expect(stack.server.stats()).toMatchObject({ requests: 1, errors: 0 });
      }
    },
  );
});
