import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Clock, cryptoRandom, type RandomSource } from '../../src/otp/ports.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { callbacksFor, fieldsOf, type RelayedCallback, relayUrl, replay } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import {
  clearSmsFaults,
  countRoundTrips,
  injectSmsFault,
  plivoUrl,
  redis,
  sandboxAttempts,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';
import {
  clearTwilioFaults,
  twilioCallbacksFor,
  twilioCode,
  twilioMessages,
  twilioUrl,
} from './support/twilio.ts';

/**
 * Routing on the real stack (docs/routing.md): both sandboxes, the Worker in workerd, Redis behind
 * the REST server. A provider "silently failing" is the sandbox's scripted drop
 * (`/__sandbox/faults?api=drops`): the API accepts the SMS, the inbox never shows it, and its
 * signed reports end `undelivered`; the relay records them and the test delivers them to the
 * Worker as the provider would. Only time and the route's exploration draws are faked.
 */

const ROUTED = { SMS_ROUTES: '*:plivo,twilio', PUBLIC_BASE_URL: relayUrl };
const prefixOf = (app: TestApp) => app.env.KEY_PREFIX as string;

interface Dropped {
  id: string;
  to: string;
  text: string;
}

async function dropAll(sandboxUrl: string, country: string): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__sandbox/faults?api=drops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ country, percent: 100 }),
  });
  expect(response.status).toBe(200);
}

async function clearDrops(): Promise<void> {
  for (const url of [plivoUrl, twilioUrl])
    await fetch(`${url}/__sandbox/faults?api=drops`, { method: 'DELETE' });
}

async function droppedTo(sandboxUrl: string, phone: string): Promise<Dropped[]> {
  const response = await fetch(`${sandboxUrl}/__sandbox/faults?api=drops`);
  const { dropped } = (await response.json()) as { dropped: Dropped[] };
  return dropped.filter((message) => message.to.replace(/^\+/, '') === phone.slice(1));
}

function codeIn(text: string): string {
  const code = text.match(/(?<!\d)(\d{6,10})(?!\d)/)?.[1];
  if (!code) throw new Error('no code in the message');
  return code;
}

async function verify(app: TestApp, verificationId: string, code: string) {
  const response = await app.post('/otp/verify', { verificationId, code });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function hash(key: string): Promise<Record<string, string>> {
  const flat = (await redis(['HGETALL', key])) as string[];
  return Object.fromEntries(flat.flatMap((value, i) => (i % 2 ? [] : [[value, flat[i + 1] as string]])));
}

/** The final report among a message's callbacks (Plivo's `Status`, Twilio's `MessageStatus`). */
function finalReport(callbacks: RelayedCallback[]): RelayedCallback {
  const final = callbacks.find((callback) => {
    const fields = fieldsOf(callback);
    return (fields.get('Status') ?? fields.get('MessageStatus')) === 'undelivered';
  });
  if (!final) throw new Error('no undelivered report');
  return final;
}

/**
 * Crypto randomness for everything (codes, ids, seals), except the route's 4-byte draws
 * (src/otp/routing/order-route.ts): those come from `next()`, in [0, 1).
 */
function routeDraws(next: () => number): RandomSource {
  return {
    fill(bytes) {
      if (bytes.length !== 4) return cryptoRandom.fill(bytes);
      new DataView(bytes.buffer, bytes.byteOffset, 4).setUint32(0, Math.floor(next() * 2 ** 32));
    },
  };
}

beforeEach(async () => {
  await clearDrops();
  await clearSmsFaults();
  await clearTwilioFaults();
});
afterEach(async () => {
  await clearDrops();
  await clearSmsFaults();
  await clearTwilioFaults();
});

describe('failover on a failed delivery report', () => {
  it('a failed report fails over once to the next provider with a fresh code: the old code is refused, the new one verifies, no third send', async () => {
    await dropAll(plivoUrl, 'US');
    await dropAll(twilioUrl, 'US');
    const app = testApp(ROUTED);
    const phone = uniquePhone();

    // Warm: a script's first use on a fresh Redis costs a NOSCRIPT round trip.
    await startVerification(app, uniquePhone());
    // Request: one store round trip before Plivo, and the tracking after the response.
    const { result: verificationId, roundTrips: requestTrips } = await countRoundTrips(() =>
      startVerification(app, phone),
    );
    expect(requestTrips).toBe(2);
    const [lost] = await droppedTo(plivoUrl, phone);
    if (!lost) throw new Error('Plivo did not take the SMS');
    const oldCode = codeIn(lost.text);

    // Plivo's signed reports end `undelivered`: the service sends a fresh code through Twilio.
    const plivoReports = await callbacksFor(lost.id, 3);
    const plivoFinal = finalReport(plivoReports);
    // The earlier reports change the status only (and warm the report's script).
    for (const report of plivoReports)
      if (report !== plivoFinal) expect((await replay(app, report)).status).toBe(200);
    expect(await droppedTo(twilioUrl, phone)).toEqual([]);
    const { result, lines } = await captureLogs(() => countRoundTrips(() => replay(app, plivoFinal)));
    expect(result.result.status).toBe(200);
    // The report, the failover's admission (one script each), and the new message's tracking.
    expect(result.roundTrips).toBe(3);
    expect(lines.join('\n')).toMatch(/"storeRoundTrips":3,.*failover: switched/);
    const [relayed] = await droppedTo(twilioUrl, phone);
    if (!relayed) throw new Error('Twilio got no failover SMS');
    const newCode = codeIn(relayed.text);

    // Plivo repeating its report sends nothing more.
    expect((await replay(app, plivoFinal)).status).toBe(200);
    expect(await droppedTo(twilioUrl, phone)).toHaveLength(1);

    // Twilio's own failure finds no ticket: once per verification, no third send.
    const twilioFinal = finalReport(await twilioCallbacksFor(relayed.id, 3));
    expect((await replay(app, twilioFinal)).status).toBe(200);
    expect(await droppedTo(plivoUrl, phone)).toHaveLength(1);
    expect(await droppedTo(twilioUrl, phone)).toHaveLength(1);

    if (newCode !== oldCode) {
      expect(await verify(app, verificationId, oldCode)).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_code' } },
      });
    }
    const { result: approved, roundTrips: verifyTrips } = await countRoundTrips(() =>
      verify(app, verificationId, newCode),
    );
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect(verifyTrips).toBe(1);

    // Conversion by provider: Plivo sent two (the warm-up's too) and one failed, Twilio sent one
    // and it verified.
    const window = Math.floor(Date.now() / 3_600_000);
    expect(await hash(`${prefixOf(app)}route:sms:US:${window}`)).toEqual({
      'plivo:s': '2',
      'plivo:f': '1',
      'twilio:s': '1',
      'twilio:f': '1',
      'twilio:v': '1',
    });
    expect(await hash(`${prefixOf(app)}route-stats:${hourBucket(Date.now())}`)).toEqual({
      'US:failover': '1',
      'US:sms:plivo:sent': '2',
      'US:sms:plivo:failed': '1',
      'US:sms:twilio:sent': '1',
      'US:sms:twilio:failed': '1',
      'US:sms:twilio:verified': '1',
    });
  });

  it('a single-provider route has nothing to fail over to: the report is recorded and nothing is sent', async () => {
    await dropAll(plivoUrl, 'US');
    const app = testApp({ SMS_ROUTES: '*:plivo', PUBLIC_BASE_URL: relayUrl });
    const phone = uniquePhone();
    await startVerification(app, phone);
    const [lost] = await droppedTo(plivoUrl, phone);
    if (!lost) throw new Error('Plivo did not take the SMS');
    expect((await replay(app, finalReport(await callbacksFor(lost.id, 3)))).status).toBe(200);
    expect(await twilioMessages(phone)).toEqual([]);
    expect(await droppedTo(plivoUrl, phone)).toHaveLength(1);
  });
});

describe('adaptive routing', () => {
  it('orders the route by observed conversion once both providers have enough evidence, and still explores', async () => {
    await dropAll(plivoUrl, 'US');
    const draws: number[] = [];
    const app = testApp(
      { ...ROUTED, ROUTING: 'adaptive', ROUTING_MIN_EVIDENCE: '3', ROUTING_EXPLORATION: '0.05' },
      { random: routeDraws(() => draws.shift() ?? 0.99) },
    );

    // Three explored sends (draws under 0.05) go to Twilio first; their users verify.
    for (let i = 0; i < 3; i += 1) {
      draws.push(0.01, 0);
      const phone = uniquePhone();
      const id = await startVerification(app, phone);
      expect((await verify(app, id, await twilioCode(phone))).status).toBe(200);
    }
    // Twilio is proven, Plivo is not: the configured order stands, and Plivo loses all three.
    for (let i = 0; i < 3; i += 1) {
      const phone = uniquePhone();
      await startVerification(app, phone);
      expect(await droppedTo(plivoUrl, phone)).toHaveLength(1);
      expect(await twilioMessages(phone)).toEqual([]);
    }
    // Both proven: Plivo converted 0 of 3, Twilio 3 of 3, so Twilio goes first.
    const converted = uniquePhone();
    const { lines } = await captureLogs(() => startVerification(app, converted));
    expect(await twilioMessages(converted)).toHaveLength(1);
    expect(await droppedTo(plivoUrl, converted)).toEqual([]);
    expect(lines.join('\n')).toMatch(/route by conversion: twilio,plivo/);

    // An exploration draw still puts Plivo first, so its recovery would be noticed.
    draws.push(0.01, 0);
    const explored = uniquePhone();
    await startVerification(app, explored);
    expect(await droppedTo(plivoUrl, explored)).toHaveLength(1);
    expect(await twilioMessages(explored)).toEqual([]);
  });
});

describe('the breaker', () => {
  it('opens after a provider fails most requests, skips it for the pause, then closes on its next success', async () => {
    let nowMs = Date.now();
    const clock: Clock = { nowMs: () => nowMs };
    const app = testApp(
      { ...ROUTED, BREAKER_MIN_REQUESTS: '3', BREAKER_ERROR_SHARE: '0.5', BREAKER_PAUSE_SECONDS: '30' },
      { clock },
    );
    // Plivo answers 500 three times: each send goes on to Twilio with the same code.
    await injectSmsFault({ status: 500, count: 3 });
    for (let i = 0; i < 3; i += 1) {
      const phone = uniquePhone();
      await startVerification(app, phone);
      expect(await twilioMessages(phone)).toHaveLength(1);
    }
    const breaker = await hash(`${prefixOf(app)}breaker:plivo`);
    expect(breaker).toMatchObject({ h: '1' });
    expect(Number(breaker.u)).toBeGreaterThan(nowMs);

    // Open: Plivo is not asked at all.
    const before = (await sandboxAttempts()).length;
    const skipped = uniquePhone();
    const { lines } = await captureLogs(() => startVerification(app, skipped));
    expect(lines.join('\n')).toMatch(/breaker open: plivo/);
    expect(await twilioMessages(skipped)).toHaveLength(1);
    expect((await sandboxAttempts()).length).toBe(before);

    // After the pause Plivo is tried again (half-open); its success closes the breaker.
    nowMs += 31_000;
    const retried = uniquePhone();
    await startVerification(app, retried);
    expect((await sandboxAttempts()).length).toBe(before + 1);
    expect(await twilioMessages(retried)).toEqual([]);
    const closed = await hash(`${prefixOf(app)}breaker:plivo`);
    expect(closed.h).toBeUndefined();
    expect(closed.u).toBe('0');
  });
});
