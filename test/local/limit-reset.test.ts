import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { devEnvironmentVar } from '../../local/dev-vars.ts';
import { startLocalStack } from '../../local/stack.ts';
import {
  callbackNonceKey,
  clientFailuresKey,
  deliveryKeys,
  guardCellsKey,
  guardNumberKey,
  numberKeys,
  sendLimitKey,
  statsHourKey,
  verificationKey,
  verifyIpKey,
  voiceAnswerKey,
} from '../../src/adapters/upstash/keys.ts';

// "Reset local limits" (npm run dev): the sandbox's POST /__sandbox/limits/reset, its inbox button
// and `npm run local:reset-limits` delete what holds a developer back in the local Redis, through
// the REST server, and nothing else: not a verification, not the stats, not another prefix's keys.

const run = promisify(execFile);
const PREFIX = 'dev*[x]:';
const OTHER_PREFIX = 'other:';
const TOKEN = 'limit-reset-test-token';

let stack: Awaited<ReturnType<typeof startStack>>;
function startStack() {
  return startLocalStack({
    redisRest: { token: TOKEN },
    plivo: { authId: 'MALIMITRESET00000001', authToken: 'limit-reset-token', log: () => undefined },
    limitResetKeyPrefix: PREFIX,
  });
}
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function redis(command: (string | number)[]): Promise<unknown> {
  const response = await fetch(stack.redisRest.server.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(command),
  });
  return ((await response.json()) as { result: unknown }).result;
}

/** One key of every family, built by the Worker's own key builders. */
function everyKey(prefix: string) {
  const number = numberKeys(prefix, 'phoneTag');
  const delivery = deliveryKeys(prefix, 'message-uuid', 1);
  return {
    limits: [
      number.cooldown,
      number.failures,
      clientFailuresKey(prefix, 'phoneTag', 'networkTag'),
      verifyIpKey(prefix, 'networkTag'),
      sendLimitKey(prefix, 'ip', 'networkTag', 7),
      sendLimitKey(prefix, 'global', 'all', 7),
      guardCellsKey(prefix, 'sms', 'US', 3),
      guardNumberKey(prefix, 'voice', 'phoneTag'),
    ],
    kept: [
      verificationKey(prefix, 'verificationTag'),
      number.active,
      voiceAnswerKey(prefix, 'verificationTag'),
      statsHourKey(prefix, '2026120712'),
      delivery.record,
      delivery.seen,
      callbackNonceKey(prefix, 'nonce'),
    ],
  };
}

async function existing(keys: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if ((await redis(['EXISTS', key])) === 1) found.push(key);
  return found;
}

beforeEach(async () => {
  await redis(['FLUSHALL']).catch(() => undefined);
  for (const prefix of [PREFIX, OTHER_PREFIX]) {
    const { limits, kept } = everyKey(prefix);
    for (const key of [...limits, ...kept]) await redis(['SET', key, '1']);
  }
});

async function resetThroughSandbox(init: RequestInit = {}) {
  return fetch(`${stack.plivo.url}/__sandbox/limits/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    ...init,
  });
}

describe('resetting the local limits', () => {
  it('deletes every limit, cooldown, failure count and guard key under the prefix, and only those', async () => {
    const response = await resetThroughSandbox();
    expect(response.status).toBe(200);
    const mine = everyKey(PREFIX);
    expect(await response.json()).toMatchObject({ deleted: mine.limits.length });
    expect(await existing(mine.limits)).toEqual([]);
    expect(await existing(mine.kept)).toEqual(mine.kept);
    // Another deployment's keys in the same database: untouched, limits included.
    const other = everyKey(OTHER_PREFIX);
    expect(await existing([...other.limits, ...other.kept])).toEqual([...other.limits, ...other.kept]);
  });

  it('is what `npm run local:reset-limits` runs, from a terminal', async () => {
    const { stdout } = await run(process.execPath, [path.resolve('local/reset-limits.ts')], {
      env: { ...process.env, PLIVO_SANDBOX_PORT: new URL(stack.plivo.url).port },
    });
    expect(stdout).toMatch(/^reset-limits: 8 keys deleted/);
    expect(await existing(everyKey(PREFIX).limits)).toEqual([]);
  });

  it('takes only a JSON POST (a page cannot send one without a preflight)', async () => {
    const response = await resetThroughSandbox({ headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(await existing(everyKey(PREFIX).limits)).toHaveLength(8);
  });

  it('npm run dev resets the prefix its Worker runs with ([env.dev] KEY_PREFIX unless .dev.vars sets one)', () => {
    expect(devEnvironmentVar('KEY_PREFIX')).toBe('otp:');
  });
});

describe('with store regions (LOCAL_STORE_REGIONS)', () => {
  it('resets the limits in every region, where its countries keep them, and keeps the rest there too', async () => {
    const regional = await startLocalStack({
      redisRest: { token: TOKEN },
      storeRegions: { eu: { token: 'limit-reset-eu-token', countries: ['GB'] } },
      plivo: { authId: 'MALIMITRESET00000003', authToken: 'limit-reset-token', log: () => undefined },
      limitResetKeyPrefix: PREFIX,
    });
    const euUrl = regional.storeRegions.eu?.server.url ?? '';
    const eu = async (command: (string | number)[]) => {
      const response = await fetch(euUrl, {
        method: 'POST',
        headers: { authorization: 'Bearer limit-reset-eu-token', 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      return ((await response.json()) as { result: unknown }).result;
    };
    try {
      const { limits, kept } = everyKey(PREFIX);
      for (const key of [...limits, ...kept]) await eu(['SET', key, '1']);
      const response = await fetch(`${regional.plivo.url}/__sandbox/limits/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { deleted: number }).deleted).toBe(limits.length);
      const left: string[] = [];
      for (const key of [...limits, ...kept]) if ((await eu(['EXISTS', key])) === 1) left.push(key);
      expect(left).toEqual(kept);
    } finally {
      await regional.close();
    }
  });
});

describe('a sandbox without the local Redis', () => {
  it('offers no reset: 404 with a reason, and no button on the inbox', async () => {
    const bare = await startLocalStack({
      plivo: { authId: 'MALIMITRESET00000002', authToken: 'limit-reset-token', log: () => undefined },
      limitResetKeyPrefix: PREFIX,
    });
    try {
      const response = await fetch(`${bare.plivo.url}/__sandbox/limits/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/no local Redis/);
      expect(await (await fetch(`${bare.plivo.url}/`)).text()).not.toContain('id="reset-limits"');
      expect(await (await fetch(`${stack.plivo.url}/`)).text()).toContain('id="reset-limits"');
    } finally {
      await bare.close();
    }
  });
});
