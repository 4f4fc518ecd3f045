import { describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/upstash/redis-client.ts';
import { createUpstashSentMessageLog } from '../../src/adapters/upstash/sent-message-log.ts';
import { createStoreCalls } from '../../src/adapters/upstash/store-call.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import {
  callbacksFor,
  fieldsOf,
  type RelayedCallback,
  relayUrl,
  replay,
  STATUS_PATH,
  WITHOUT_SIGNATURES,
  WITHOUT_V3,
} from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import {
  clearSmsFaults,
  countRoundTrips,
  dumpRedis,
  injectSmsFault,
  plivoUrl,
  redis,
  sandboxMessages,
  type TestApp,
  testApp,
  testEnv,
  uniquePhone,
} from './support/stack.ts';

// One clock for the whole file: counters land in the hour the test computes, even at hh:59:59.
const NOW = Date.now();
const HOUR = hourBucket(NOW);

function deliveryApp(overrides: Record<string, string> = {}): TestApp {
  return testApp({ PUBLIC_BASE_URL: relayUrl, ...overrides }, { clock: { nowMs: () => NOW } });
}

/** A valid US number whose SMS the sandbox reports `failed` with ErrorCode 450. */
function failingPhone(): string {
  return `${uniquePhone().slice(0, -4)}0000`;
}

/** Requests a code for `phone` and waits for the sandbox's `count` callbacks about that SMS. */
async function sendAndCollect(app: TestApp, phone: string, count: number) {
  const response = await app.post('/otp/request', { phone });
  expect(response.status).toBe(200);
  const [message] = await sandboxMessages(phone);
  if (!message) throw new Error('the sandbox got no SMS');
  return { uuid: message.uuid, callbacks: await callbacksFor(message.uuid, count) };
}

async function replayAll(app: TestApp, callbacks: RelayedCallback[]) {
  const answers = [];
  for (const callback of callbacks) {
    const response = await replay(app, callback);
    answers.push({ status: response.status, body: (await response.json()) as { status?: string } });
  }
  return answers;
}

function prefixOf(app: TestApp): string {
  return app.env.KEY_PREFIX as string;
}

async function deliveryState(app: TestApp, uuid: string) {
  const flat = (await redis(['HGETALL', `${prefixOf(app)}delivery:${uuid}`])) as string[];
  return Object.fromEntries(
    flat.flatMap((value, index) => (index % 2 === 0 ? [[value, flat[index + 1]]] : [])),
  );
}

async function statsOfHour(app: TestApp) {
  const flat = (await redis(['HGETALL', `${prefixOf(app)}stats:${HOUR}`])) as string[];
  return Object.fromEntries(
    flat.flatMap((value, index) => (index % 2 === 0 ? [[value, Number(flat[index + 1])]] : [])),
  );
}

/**
 * Keys and values only: TTLs tick down between two dumps. A hash as its fields, since Redis may
 * iterate a hash in any order.
 */
async function contentOf(app: TestApp) {
  return (await dumpRedis(prefixOf(app))).map(({ key, type, value }) => ({
    key,
    value: type === 'hash' ? fieldsOfHash(value as string[]) : value,
  }));
}

function fieldsOfHash(flat: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(flat.flatMap((value, i, all) => (i % 2 ? [] : [[value, all[i + 1]]])));
}

/**
 * Tracks a message the way the service does once Plivo accepted it (the same adapter, the real
 * store), for an SMS a test sent to the sandbox itself.
 */
async function trackAsSent(app: TestApp, messageId: string) {
  const env = app.env as Record<string, string>;
  const redisClient = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL as string,
    token: env.UPSTASH_REDIS_REST_TOKEN as string,
    timeoutMs: 1500,
  });
  const pending: Promise<unknown>[] = [];
  const failures: string[] = [];
  createUpstashSentMessageLog(
    createStoreCalls(redisClient, { storeRoundTrips: 0 }),
    prefixOf(app),
    (promise) => pending.push(promise),
    { detail: (text) => failures.push(text) },
    {
      windowSeconds: 3600,
      breaker: { windowSeconds: 60, minRequests: 10, errorShare: 0.5, pauseSeconds: 30 },
    },
  ).remember({
    messageId,
    provider: 'plivo',
    channel: 'sms',
    answers: [{ provider: 'plivo', ok: true }],
    verificationTag: 'no-such-verification',
    country: 'US',
    sentAtMs: NOW,
  });
  await Promise.all(pending);
  expect(failures).toEqual([]);
}

/** Sends an SMS straight to the sandbox, as another system on the same Plivo account would. */
async function sendOutsideTheService(phone: string, method: 'GET' | 'POST' = 'POST'): Promise<string> {
  const env = testEnv();
  const sent = await fetch(`${plivoUrl}/v1/Account/${env.PLIVO_AUTH_ID as string}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${env.PLIVO_AUTH_ID as string}:${env.PLIVO_AUTH_TOKEN as string}`)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      src: '+14155550100',
      dst: phone,
      text: 'Sent by someone else on the account',
      url: `${relayUrl}${STATUS_PATH}`,
      method,
    }),
  });
  expect(sent.status).toBe(202);
  return ((await sent.json()) as { message_uuid: string[] }).message_uuid[0] as string;
}

/** Lets Redis expire these keys itself: each gets 1 ms left, as if its TTL had run out. */
async function expireNow(keys: string[]) {
  for (const key of keys) expect(await redis(['PEXPIRE', key, 1])).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

async function errorCode(response: Response) {
  return ((await response.json()) as { error?: { code: string } }).error?.code;
}

describe("Plivo's signed delivery callbacks, replayed verbatim from the sandbox", () => {
  it('a delivered SMS ends `delivered` in Redis and counts once, and no phone number is stored anywhere', async () => {
    const app = deliveryApp();
    const phone = uniquePhone();
    const { uuid, callbacks } = await sendAndCollect(app, phone, 3);
    expect(callbacks.map((callback) => fieldsOf(callback).get('Status'))).toEqual([
      'queued',
      'sent',
      'delivered',
    ]);
    // Signed for the relay's address (what PUBLIC_BASE_URL says), not for the URL the Worker is reached at.
    expect(callbacks[0]?.headers['x-plivo-signature-v3']).toBeTruthy();

    const answers = await replayAll(app, callbacks);
    expect(answers).toEqual(Array(3).fill({ status: 200, body: { status: 'recorded' } }));

    expect(await deliveryState(app, uuid)).toMatchObject({
      status: 'delivered',
      sequence: '3',
      errorCode: '',
      updatedAt: String(NOW),
    });
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:delivered': 1 });

    const dump = await dumpRedis(prefixOf(app));
    const text = JSON.stringify(dump);
    const digits = phone.slice(1);
    for (const fragment of [digits, digits.slice(1), digits.slice(-7)]) expect(text).not.toContain(fragment);
    for (const entry of dump.filter(({ key }) => key.includes(':delivery'))) {
      expect(entry.pttl).toBeGreaterThan(2 * 86_400_000 - 60_000);
      expect(entry.pttl).toBeLessThanOrEqual(2 * 86_400_000);
    }
  });

  it('replaying callbacks that were already processed changes nothing', async () => {
    const app = deliveryApp();
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    await replayAll(app, callbacks);
    const before = await contentOf(app);

    const again = await replayAll(app, [...callbacks, ...callbacks]);
    expect(again.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(again.map((answer) => answer.body.status)).toEqual(Array(6).fill('duplicate'));
    expect(await contentOf(app)).toEqual(before);
  });

  it('a callback with a lower Sequence than the recorded one never moves the state back', async () => {
    const app = deliveryApp();
    const { uuid, callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const [queued, sent, delivered] = callbacks as [RelayedCallback, RelayedCallback, RelayedCallback];

    expect(await (await replay(app, delivered)).json()).toEqual({ status: 'recorded' });
    expect(await (await replay(app, queued)).json()).toEqual({ status: 'stale' });
    expect(await (await replay(app, sent)).json()).toEqual({ status: 'stale' });
    expect(await deliveryState(app, uuid)).toMatchObject({ status: 'delivered', sequence: '3' });
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:delivered': 1 });
  });

  it('an SMS to a number ending in 0000 ends `failed` with ErrorCode 450 and counts as failed', async () => {
    const app = deliveryApp();
    const { uuid, callbacks } = await sendAndCollect(app, failingPhone(), 2);
    expect(callbacks.map((callback) => fieldsOf(callback).get('Status'))).toEqual(['queued', 'failed']);

    expect((await replayAll(app, callbacks)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await deliveryState(app, uuid)).toMatchObject({
      status: 'failed',
      sequence: '2',
      errorCode: '450',
    });
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:failed': 1 });
  });
});

describe('only Plivo can write delivery state', () => {
  it('a tampered body is 403 invalid_signature and changes nothing', async () => {
    const app = deliveryApp();
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const delivered = callbacks[2] as RelayedCallback;
    const before = await contentOf(app);

    for (const body of [
      delivered.body.replace('Status=delivered', 'Status=failed'),
      delivered.body.replace(/Sequence=3/, 'Sequence=9'),
      `${delivered.body}&Extra=1`,
    ]) {
      expect(body).not.toBe(delivered.body);
      const response = await replay(app, delivered, { body });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('invalid_signature');
    }
    expect(await contentOf(app)).toEqual(before);
  });

  it('a signature made for another URL is 403: the Worker checks against PUBLIC_BASE_URL, never the request URL', async () => {
    // The sandbox signed for the relay's address; this deployment's public address is another one.
    const sender = deliveryApp();
    const { callbacks } = await sendAndCollect(sender, uniquePhone(), 3);
    const elsewhere = deliveryApp({ PUBLIC_BASE_URL: 'https://otp.example.com' });
    for (const callback of callbacks) {
      const response = await replay(elsewhere, callback);
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('invalid_signature');
    }
    // Even when the request claims to be for the very URL that was signed.
    const claimed = await elsewhere.call(`${relayUrl}${STATUS_PATH}`, {
      method: 'POST',
      headers: (() => {
        const headers = new Headers(callbacks[0]?.headers);
        headers.delete('content-length');
        return headers;
      })(),
      body: callbacks[0]?.body ?? '',
    });
    expect(claimed.status).toBe(403);
    expect((await dumpRedis(prefixOf(elsewhere))).filter(({ key }) => key.includes(':delivery'))).toEqual([]);
  });

  it('a callback without a signature, or with a signature but no nonce, is 403 and changes nothing', async () => {
    const app = deliveryApp({ PLIVO_ACCEPT_V2_SIGNATURES: 'on' });
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const before = await contentOf(app);
    for (const headers of [
      WITHOUT_SIGNATURES,
      { 'x-plivo-signature-v3-nonce': undefined },
      { ...WITHOUT_V3, 'x-plivo-signature-v2-nonce': undefined },
      { 'x-plivo-signature-v3': 'not base64 at all!' },
    ]) {
      const response = await replay(app, callbacks[2] as RelayedCallback, { headers });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('invalid_signature');
    }
    expect(await contentOf(app)).toEqual(before);
  });

  it('a bad V3 signature is not rescued by a V2 header on the same request, even with V2 turned on', async () => {
    const app = deliveryApp({ PLIVO_ACCEPT_V2_SIGNATURES: 'on' });
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const delivered = callbacks[2] as RelayedCallback;
    // V2 signs only URL + nonce, so its header is still "valid" for this forged body.
    const response = await replay(app, delivered, {
      body: delivered.body.replace('Status=delivered', 'Status=failed'),
    });
    expect(response.status).toBe(403);
  });

  it('a callback stripped of its V3 signature is 403 by default, even though its V2 signature is genuine', async () => {
    const app = deliveryApp();
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const delivered = callbacks[2] as RelayedCallback;
    const before = await contentOf(app);
    // V2 signs only URL + nonce: without the V3 header, a forged body would look as genuine as the real one.
    for (const body of [delivered.body, delivered.body.replace('Status=delivered', 'Status=failed')]) {
      const response = await replay(app, delivered, { headers: WITHOUT_V3, body });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('invalid_signature');
    }
    expect(await contentOf(app)).toEqual(before);
  });

  it('with PLIVO_ACCEPT_V2_SIGNATURES=on, V2 is accepted when no V3 header is sent, and a V2 nonce cannot be reused for another body', async () => {
    const app = deliveryApp({ PLIVO_ACCEPT_V2_SIGNATURES: 'on' });
    const { uuid, callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    const [queued, sent] = callbacks as [RelayedCallback, RelayedCallback];

    const genuine = await replay(app, queued, { headers: WITHOUT_V3 });
    expect(genuine.status).toBe(200);
    expect(await genuine.json()).toEqual({ status: 'recorded' });
    const before = await contentOf(app);

    // The captured V2 headers of `queued` with the body of a later callback: V2 cannot tell.
    const forged = await replay(app, queued, { headers: WITHOUT_V3, body: sent.body });
    expect(forged.status).toBe(403);
    expect(await errorCode(forged)).toBe('invalid_signature');
    expect(await contentOf(app)).toEqual(before);

    // The genuine `sent` callback, with its own nonce, still goes through afterwards.
    expect(await (await replay(app, sent, { headers: WITHOUT_V3 })).json()).toEqual({ status: 'recorded' });
    expect(await deliveryState(app, uuid)).toMatchObject({ status: 'sent', sequence: '2' });
  });
});

describe('only messages this service sent and still tracks count', () => {
  it('a genuinely signed callback about a message this service never sent is 200 ignored and changes nothing', async () => {
    const app = deliveryApp();
    const uuid = await sendOutsideTheService(uniquePhone());
    const callbacks = await callbacksFor(uuid, 3);
    const before = await contentOf(app);

    const answers = await replayAll(app, callbacks);
    // A 2xx: Plivo retries anything else, and there is nothing to retry.
    expect(answers).toEqual(Array(3).fill({ status: 200, body: { status: 'ignored' } }));
    expect(await contentOf(app)).toEqual(before);
    expect((await dumpRedis(prefixOf(app))).filter(({ key }) => key.includes(uuid))).toEqual([]);
  });

  it('sending records the MessageUUID with its country (no number) for 2 days, after the SMS', async () => {
    const app = deliveryApp();
    const phone = uniquePhone();
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
    const [message] = await sandboxMessages(phone);
    const [record] = (await dumpRedis(prefixOf(app))).filter(({ key }) =>
      key.endsWith(`:delivery:${message?.uuid}`),
    );
    const fields = Object.fromEntries(
      ((record?.value ?? []) as string[]).flatMap((value, i, all) => (i % 2 ? [] : [[value, all[i + 1]]])),
    );
    // `v` names the verification's record (by the id's HMAC tag, so no number and no id either);
    // `p` the provider that sent it, whose signed reports alone count for it; `rk` and `ch` the
    // route's conversion cells its outcome is credited in, and its channel (docs/routing.md).
    expect(fields).toEqual({
      country: 'US',
      sentAt: String(NOW),
      p: 'plivo',
      v: expect.stringMatching(new RegExp(`^${prefixOf(app)}verification:[A-Za-z0-9_-]{43}$`)),
      rk: expect.stringMatching(new RegExp(`^${prefixOf(app)}route:sms:US:\\d+$`)),
      ch: 'sms',
    });
    const keys = (await dumpRedis(prefixOf(app))).map(({ key }) => key);
    expect(keys).toContain(fields.v);
    expect(record?.pttl).toBeGreaterThan(2 * 86_400_000 - 60_000);

    // A refused SMS has no MessageUUID to track.
    const refused = deliveryApp();
    await injectSmsFault({ status: 400 });
    try {
      expect((await refused.post('/otp/request', { phone: uniquePhone() })).status).toBe(502);
    } finally {
      await clearSmsFaults();
    }
    expect((await dumpRedis(prefixOf(refused))).filter(({ key }) => key.includes(':delivery'))).toEqual([]);
  });

  it('a callback replayed after every key of its message expired changes nothing (expired by Redis, PEXPIRE 1 ms)', async () => {
    const app = deliveryApp();
    const { uuid, callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    expect((await replayAll(app, callbacks)).map((answer) => answer.body.status)).toEqual(
      Array(3).fill('recorded'),
    );
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:delivered': 1 });

    // The record and the three seen markers: what two days would take away.
    const keys = (await dumpRedis(prefixOf(app))).map(({ key }) => key).filter((key) => key.includes(uuid));
    expect(keys).toHaveLength(4);
    await expireNow(keys);
    const before = await contentOf(app);

    const again = await replayAll(app, callbacks);
    expect(again).toEqual(Array(3).fill({ status: 200, body: { status: 'ignored' } }));
    expect(await contentOf(app)).toEqual(before);
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:delivered': 1 });
  });

  it('with only the seen markers gone, a replay of the final callback still counts nothing', async () => {
    const app = deliveryApp();
    const { uuid, callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    await replayAll(app, callbacks);
    const recordBefore = await deliveryState(app, uuid);
    const seen = (await dumpRedis(prefixOf(app)))
      .map(({ key }) => key)
      .filter((key) => key.includes(`:delivery-seen:${uuid}:`));
    expect(seen).toHaveLength(3);
    await expireNow(seen);

    const again = await replayAll(app, callbacks);
    expect(again.map((answer) => answer.body.status)).toEqual(['stale', 'stale', 'stale']);
    expect(await deliveryState(app, uuid)).toEqual(recordBefore);
    expect(await statsOfHour(app)).toEqual({ 'US:sent': 1, 'US:via:sms': 1, 'US:delivered': 1 });
  });

  it('seen markers never outlive the record they guard', async () => {
    const app = deliveryApp();
    const { uuid, callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    await replayAll(app, callbacks);
    const keys = (await dumpRedis(prefixOf(app))).map(({ key }) => key);
    const seen = keys.filter((key) => key.includes(`:delivery-seen:${uuid}:`));
    expect(seen).toHaveLength(3);
    // Absolute expiry times, so the order the keys are read in does not matter.
    const recordExpiresAt = (await redis(['PEXPIRETIME', `${prefixOf(app)}delivery:${uuid}`])) as number;
    expect(recordExpiresAt).toBeGreaterThan(NOW);
    for (const marker of seen) {
      expect(await redis(['PEXPIRETIME', marker])).toBeLessThanOrEqual(recordExpiresAt);
    }
  });
});

describe('the endpoint itself', () => {
  it('GET callbacks (parameters in the query) are verified and recorded too', async () => {
    const app = deliveryApp();
    // Ask the sandbox for GET callbacks, as a Plivo account configured that way would send them,
    // and track the message as the service would have.
    const uuid = await sendOutsideTheService(uniquePhone(), 'GET');
    await trackAsSent(app, uuid);
    const callbacks = await callbacksFor(uuid, 3);
    expect(callbacks.every((callback) => callback.method === 'GET')).toBe(true);

    expect((await replayAll(app, callbacks)).map((answer) => answer.body.status)).toEqual([
      'recorded',
      'recorded',
      'recorded',
    ]);
    expect(await deliveryState(app, uuid)).toMatchObject({ status: 'delivered', sequence: '3' });
    const delivered = callbacks[2] as RelayedCallback;
    expect(delivered.path).toContain('Status=delivered');
    const tampered = await replay(app, delivered, {
      path: delivered.path.replace('Status=delivered', 'Status=failed'),
    });
    expect(tampered.status).toBe(403);
  });

  it('without PUBLIC_BASE_URL no callbacks were requested, so the endpoint is 404', async () => {
    const sender = deliveryApp();
    const { callbacks } = await sendAndCollect(sender, uniquePhone(), 3);
    const app = testApp();
    const response = await replay(app, callbacks[2] as RelayedCallback);
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('not_found');
  });

  it('takes form bodies up to 8 KB only: JSON is 415, a larger form is 413', async () => {
    const app = deliveryApp();
    const json = await app.call(STATUS_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ MessageUUID: crypto.randomUUID() }),
    });
    expect(json.status).toBe(415);
    const large = await app.call(STATUS_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `MessageUUID=${crypto.randomUUID()}&Padding=${'x'.repeat(8200)}`,
    });
    expect(large.status).toBe(413);
  });

  it('tracking the sent message adds one store round trip to a request, and its log line counts it', async () => {
    const tracked = deliveryApp();
    const untracked = testApp();
    // Warm the script cache: after a Redis restart the first EVALSHA of a script costs a retry.
    await tracked.post('/otp/request', { phone: uniquePhone() });
    await untracked.post('/otp/request', { phone: uniquePhone() });

    const plain = await countRoundTrips(() => untracked.post('/otp/request', { phone: uniquePhone() }));
    expect(plain.result.status).toBe(200);
    const { result, roundTrips } = await countRoundTrips(() =>
      captureLogs(() => tracked.post('/otp/request', { phone: uniquePhone() })),
    );
    expect(result.result.status).toBe(200);
    expect(roundTrips).toBe(plain.roundTrips + 1);
    expect(result.lines).toHaveLength(1);
    expect(JSON.parse(result.lines[0] ?? '')).toMatchObject({ outcome: 'sent', storeRoundTrips: roundTrips });
  });

  it('a callback costs exactly one store round trip', async () => {
    const app = deliveryApp();
    const { callbacks } = await sendAndCollect(app, uniquePhone(), 3);
    // Warm the script cache: after a Redis restart the first EVALSHA of a script costs a retry.
    await replay(app, callbacks[0] as RelayedCallback);

    for (const callback of callbacks.slice(1)) {
      const { result, roundTrips } = await countRoundTrips(() => replay(app, callback));
      expect(result.status).toBe(200);
      expect(roundTrips).toBe(1);
    }
    // A refused signature costs none.
    const refused = await countRoundTrips(() =>
      replay(app, callbacks[2] as RelayedCallback, { headers: WITHOUT_SIGNATURES }),
    );
    expect(refused.result.status).toBe(403);
    expect(refused.roundTrips).toBe(0);
  });
});
