import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { hourBucket } from '../../src/stats/hour-bucket.ts';
import { fieldsOf, type RelayedCallback, relayUrl, replay } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import {
  clearSmsFaults,
  countRoundTrips,
  dumpRedis,
  injectSmsFault,
  redis,
  sandboxAttempts,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  testEnv,
  uniqueMobile,
  uniquePhone,
} from './support/stack.ts';
import {
  clearTwilioFaults,
  injectTwilioFault,
  spokenCall,
  TWILIO_STATUS_PATH,
  twilioApiKey,
  twilioCallbacksFor,
  twilioCode,
  twilioMessages,
  twilioRequests,
} from './support/twilio.ts';

/**
 * Twilio as a provider, on the real stack: the Worker speaks to the Twilio sandbox
 * (local/twilio-sandbox/) over its wire protocol, and the sandbox's status callbacks are the
 * relay's recordings of what it signed. Failover is driven by the Plivo sandbox's faults and
 * scripted numbers (ending 0020: refused as outside the account's geo permissions).
 */

const prefixOf = (app: TestApp) => app.env.KEY_PREFIX as string;

async function countedInHour(app: TestApp, field: string): Promise<number> {
  const flat = (await redis(['HGETALL', `${prefixOf(app)}stats:${hourBucket(Date.now())}`])) as string[];
  const fields = Object.fromEntries(flat.flatMap((value, i) => (i % 2 ? [] : [[value, flat[i + 1]]])));
  return Number(fields[field] ?? 0);
}

const sentInHour = (app: TestApp, country: string) => countedInHour(app, `${country}:sent`);

async function verify(app: TestApp, verificationId: string, code: string) {
  const response = await app.post('/otp/verify', { verificationId, code });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

async function deliveryStatus(app: TestApp, verificationId: string): Promise<unknown> {
  const response = await app.call(`/otp/verifications/${verificationId}`, {
    headers: { 'cf-connecting-ip': '203.0.113.7' },
  });
  return ((await response.json()) as { delivery?: unknown }).delivery;
}

beforeEach(async () => {
  await clearSmsFaults();
  await clearTwilioFaults();
});

// Round trips are counted at the REST server: a script's first use after Redis started is
// EVALSHA, then EVAL (two requests). One send down each path loads them before anything is counted.
beforeAll(async () => {
  await clearSmsFaults();
  await startVerification(testApp({ SMS_ROUTES: '*:twilio', PUBLIC_BASE_URL: relayUrl }), uniquePhone());
  await injectSmsFault({ status: 500, count: 1 });
  await startVerification(testApp({ SMS_ROUTES: '*:plivo,twilio' }), uniquePhone());
  await clearSmsFaults();
});
afterEach(async () => {
  await clearSmsFaults();
  await clearTwilioFaults();
});

describe('Twilio alone, end to end', () => {
  const twilioOnly = (extra: Record<string, string> = {}) =>
    testApp({ SMS_ROUTES: '*:twilio', VOICE_ROUTES: '*:twilio', PUBLIC_BASE_URL: relayUrl, ...extra });

  it('an SMS goes through Twilio (form-encoded, Basic auth), Plivo sends nothing, and its code verifies once', async () => {
    const app = twilioOnly();
    const phone = uniquePhone();
    const { result: response, roundTrips } = await countRoundTrips(() => app.post('/otp/request', { phone }));
    const { verificationId } = (await response.json()) as { verificationId: string };
    // The admission, then (after the response) the tracking of the message for its reports.
    expect(roundTrips).toBe(2);
    const [message] = await twilioMessages(phone);
    expect(message).toMatchObject({
      from: '+14155550100',
      statusCallback: `${relayUrl}${TWILIO_STATUS_PATH}`,
      validityPeriod: 300,
    });
    expect(await sandboxMessages(phone)).toEqual([]);
    const code = await twilioCode(phone);
    expect(await verify(app, verificationId, code)).toMatchObject({
      status: 200,
      body: { status: 'approved' },
    });
    expect((await verify(app, verificationId, code)).status).not.toBe(200);
  });

  it('with an API key set, requests authenticate with it (the auth token only signs callbacks), and a wrong one is refused', async () => {
    const app = twilioOnly({
      TWILIO_API_KEY_SID: twilioApiKey.sid,
      TWILIO_API_KEY_SECRET: twilioApiKey.secret,
    });
    const phone = uniquePhone();
    await startVerification(app, phone);
    const [request] = (await twilioRequests()).filter((each) => each.to === phone);
    expect(request).toMatchObject({ credentials: 'api-key', status: 201 });

    // 20003 refuses the account: with Plivo next on the route, Plivo carries the code.
    const wrongKey = testApp({
      SMS_ROUTES: '*:twilio,plivo',
      TWILIO_API_KEY_SID: twilioApiKey.sid,
      TWILIO_API_KEY_SECRET: 'not-the-secret',
    });
    const other = uniquePhone();
    await startVerification(wrongKey, other);
    expect(await twilioMessages(other)).toEqual([]);
    expect(await sandboxMessages(other)).toHaveLength(1);
  });

  it("a code call goes through Twilio with the words inline (no URL carries the code) and speaks the code's digits", async () => {
    const app = twilioOnly();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { channel: 'voice' });
    const call = await spokenCall(phone);
    expect(call.url).toBeNull();
    const digits = call.spokenText.replace(/\D/g, '');
    // Said twice (loop 2): the code is the first half.
    const code = digits.slice(0, digits.length / 2);
    expect(digits).toBe(code + code);
    expect(code).toMatch(/^\d{6,10}$/);
    expect(await verify(app, verificationId, code)).toMatchObject({
      status: 200,
      body: { status: 'approved' },
    });
  });

  it('signed status callbacks move the delivery status, counted once; replays change nothing', async () => {
    const app = twilioOnly();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const [message] = await twilioMessages(phone);
    if (!message) throw new Error('Twilio got no SMS');
    const callbacks = await twilioCallbacksFor(message.sid, 3);
    expect(callbacks.map((callback) => fieldsOf(callback).get('MessageStatus')).sort()).toEqual([
      'delivered',
      'queued',
      'sent',
    ]);
    for (const callback of callbacks) {
      expect(callback.path).toBe(TWILIO_STATUS_PATH);
      const response = await replay(app, callback);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'recorded' });
    }
    expect(await deliveryStatus(app, verificationId)).toMatchObject({ status: 'delivered' });
    const stats = (await redis(['HGETALL', `${prefixOf(app)}stats:${hourBucket(Date.now())}`])) as string[];
    expect(stats).toContain('US:delivered');

    const before = await dumpRedis(prefixOf(app));
    for (const callback of callbacks) {
      expect(await (await replay(app, callback)).json()).toEqual({ status: 'duplicate' });
    }
    const after = await dumpRedis(prefixOf(app));
    expect(after.map(({ key }) => key)).toEqual(before.map(({ key }) => key));
    expect(await sentInHour(app, 'US')).toBe(1);
  });

  it('`auto`: a Twilio report that the SMS failed makes the service call, through Twilio, with a fresh code', async () => {
    const app = twilioOnly();
    const phone = `${uniquePhone().slice(0, -4)}0000`;
    const response = await app.post('/otp/request', { phone, channel: 'auto' });
    expect(await response.json()).toMatchObject({ channel: 'sms', fallback: 'voice' });
    const smsCode = await twilioCode(phone);
    const [message] = await twilioMessages(phone);
    const callbacks = await twilioCallbacksFor(message?.sid ?? '', 2);
    const failed = callbacks.find((callback) => fieldsOf(callback).get('MessageStatus') === 'failed');
    if (!failed) throw new Error('no failed callback');
    expect(fieldsOf(failed).get('ErrorCode')).toBe('30008');
    expect((await replay(app, failed)).status).toBe(200);
    const call = await spokenCall(phone);
    const digits = call.spokenText.replace(/\D/g, '');
    expect(digits.slice(0, digits.length / 2)).not.toBe(smsCode);
  });

  it('a forged callback is refused: a changed field, a signature from another token, no signature, another URL', async () => {
    const app = twilioOnly();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const [message] = await twilioMessages(phone);
    if (!message) throw new Error('Twilio got no SMS');
    const callbacks = await twilioCallbacksFor(message.sid, 3);
    const queued = callbacks.find((callback) => fieldsOf(callback).get('MessageStatus') === 'queued');
    if (!queued) throw new Error('no queued callback');

    const failed = new URLSearchParams(queued.body);
    failed.set('MessageStatus', 'failed');
    failed.set('ErrorCode', '30008');
    const forgeries: { body?: string; path?: string; headers?: Record<string, string | undefined> }[] = [
      { body: failed.toString() },
      { body: `${queued.body}&Extra=1` },
      { headers: { 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } },
      { headers: { 'x-twilio-signature': undefined } },
      // Signed for Twilio's path, replayed to Plivo's: Plivo's signatures are missing.
      { path: '/webhooks/plivo/status' },
    ];
    for (const change of forgeries) {
      const response = await replay(app, queued, change);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    }
    // Nothing moved: the message was never reported failed.
    expect(await deliveryStatus(app, verificationId)).toBeNull();
  });

  it('a report signed by Twilio counts only for a message Twilio sent (the record names its sender)', async () => {
    const app = twilioOnly();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone);
    const [message] = await twilioMessages(phone);
    if (!message) throw new Error('Twilio got no SMS');
    const [callback] = await twilioCallbacksFor(message.sid, 1);
    const record = `${prefixOf(app)}delivery:${message.sid}`;
    expect(await redis(['HGET', record, 'p'])).toBe('twilio');
    // As if another provider had sent a message with this id: a genuine Twilio signature no longer
    // speaks for it.
    await redis(['HSET', record, 'p', 'plivo']);
    const response = await replay(app, callback as RelayedCallback);
    expect(await response.json()).toEqual({ status: 'ignored' });
    expect(await deliveryStatus(app, verificationId)).toBeNull();
  });
});

describe('failover within the same request, with the same code', () => {
  const failoverApp = (extra: Record<string, string> = {}) =>
    testApp({ SMS_ROUTES: '*:plivo,twilio', ...extra });

  async function expectOneCodeThroughTwilio(app: TestApp, phone: string, unknownFate: number) {
    const { result: response, roundTrips } = await countRoundTrips(() => app.post('/otp/request', { phone }));
    expect(response.status).toBe(200);
    const { verificationId } = (await response.json()) as { verificationId: string };
    // Admission once (one round trip, before the first provider), and after the response one
    // more that counts the failover; no delivery tracking without PUBLIC_BASE_URL.
    expect(roundTrips).toBe(2);
    expect(await countedInHour(app, 'US:route_failover')).toBe(1);
    expect(await countedInHour(app, 'US:route_unknown_fate')).toBe(unknownFate);
    const code = await twilioCode(phone);
    expect(await twilioMessages(phone)).toHaveLength(1);
    // Counted once by the guard and the stats, however many providers were asked.
    expect(await sentInHour(app, 'US')).toBe(1);
    expect(await verify(app, verificationId, code)).toMatchObject({
      status: 200,
      body: { status: 'approved' },
    });
    return code;
  }

  it('Plivo answering 500 hands the code to Twilio', async () => {
    const app = failoverApp();
    const phone = uniquePhone();
    await injectSmsFault({ status: 500, count: 1 });
    const { result } = await captureLogs(() => expectOneCodeThroughTwilio(app, phone, 1));
    expect(result).toMatch(/^\d+$/);
    expect(await sandboxMessages(phone)).toEqual([]);
  });

  it('Plivo refusing the destination (geo permissions) hands the code to Twilio', async () => {
    const app = failoverApp();
    const phone = `${uniquePhone().slice(0, -4)}0020`;
    const { lines } = await captureLogs(() => expectOneCodeThroughTwilio(app, phone, 0));
    const attempts = (await sandboxAttempts()).filter((attempt) => attempt.dst.endsWith(phone.slice(1)));
    expect(attempts.map((attempt) => attempt.status)).toContain(400);
    const line = JSON.parse(lines.find((text) => text.includes('route plivo')) ?? '{}') as {
      detail?: string;
    };
    expect(line.detail).toContain('route plivo refused 400 > twilio accepted');
    // The log masks the number Plivo's refusal named.
    expect(lines.join('\n')).not.toContain(phone.slice(1));
  });

  it('Plivo not answering in time hands the same code to Twilio; if Plivo sends it late, it is the same code', async () => {
    const app = failoverApp({ PLIVO_TIMEOUT_MS: '500' });
    const phone = uniquePhone();
    await injectSmsFault({ delayMs: 1500, count: 1 });
    const code = await expectOneCodeThroughTwilio(app, phone, 1);
    // The Plivo sandbox takes the request once its delay is over: the user may get a second
    // message, never a second code.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const message of await sandboxMessages(phone)) expect(message.text).toContain(code);
  });

  it('the other way round: Twilio answering 503 or not answering in time hands the same code to Plivo', async () => {
    const app = testApp({ SMS_ROUTES: '*:twilio,plivo', TWILIO_TIMEOUT_MS: '500' });
    for (const fault of [
      { status: 503, count: 1 },
      { delayMs: 1500, count: 1 },
    ]) {
      const phone = uniquePhone();
      await injectTwilioFault(fault);
      const verificationId = await startVerification(app, phone);
      const [message] = await sandboxMessages(phone);
      const code = message?.text?.match(/(?<!\d)(\d{6,10})(?!\d)/)?.[1] ?? '';
      expect(await verify(app, verificationId, code)).toMatchObject({
        status: 200,
        body: { status: 'approved' },
      });
      await clearTwilioFaults();
    }
    expect(await countedInHour(app, 'US:route_failover')).toBe(2);
    expect(await countedInHour(app, 'US:route_unknown_fate')).toBe(2);
  });

  it('a refusal of the message itself ends the route: an unsubscribed recipient (21610) gets nothing from Plivo', async () => {
    const app = testApp({ SMS_ROUTES: '*:twilio,plivo' });
    const phone = `${uniquePhone().slice(0, -4)}0003`;
    const { result: response, lines } = await captureLogs(() => app.post('/otp/request', { phone }));
    expect(response.status).toBe(502);
    // Twilio's refusal is logged with its code, the number it may name masked.
    expect(lines.join('\n')).toContain('twilio refused 400 21610');
    expect(lines.join('\n')).not.toContain(phone.slice(2));
    expect(await sandboxMessages(phone)).toEqual([]);
    expect(await twilioMessages(phone)).toEqual([]);
  });
});

describe('routes per country', () => {
  it('each country follows its own route: GB through Twilio, the rest through Plivo', async () => {
    const app = testApp({ SMS_ROUTES: '*:plivo;GB:twilio', ALLOWED_COUNTRIES: 'US,GB' });
    const us = uniquePhone();
    const gb = uniqueMobile('+447', 9, 'GB');
    await startVerification(app, us);
    await startVerification(app, gb);
    expect(await sandboxMessages(us)).toHaveLength(1);
    expect(await twilioMessages(us)).toEqual([]);
    expect(await twilioMessages(gb)).toHaveLength(1);
    expect(await sandboxMessages(gb)).toEqual([]);
  });
});

describe('route settings are checked at load, naming what is wrong', () => {
  const problems = (overrides: Record<string, string>) => {
    const result = parseConfig(testEnv(overrides));
    return result.ok ? [] : result.problems;
  };

  it('the default is Plivo alone, and a valid route parses', () => {
    const plain = parseConfig(testEnv());
    expect(plain.ok && plain.config.routes.sms.fallback).toEqual(['plivo']);
    const routed = parseConfig(testEnv({ SMS_ROUTES: '*:plivo,twilio;IN:twilio,plivo' }));
    expect(routed.ok && routed.config.routes.sms.byCountry.get('IN')).toEqual(['twilio', 'plivo']);
  });

  it.each([
    ['*:plivo,acme', 'SMS_ROUTES: * names "acme", not a provider'],
    ['IN:twilio', 'SMS_ROUTES: needs a * entry'],
    ['*:plivo;IN:twilio;IN:plivo', 'SMS_ROUTES: IN is routed twice'],
    ['*:plivo,plivo', 'SMS_ROUTES: * names plivo twice'],
    ['*:plivo;India:twilio', 'SMS_ROUTES: "India" is not * or a two-letter country code'],
    ['*:plivo;IN', 'SMS_ROUTES: entry "IN" must be COUNTRY:provider'],
  ])('%s', (route, problem) => {
    expect(problems({ SMS_ROUTES: route }).join('\n')).toContain(problem);
  });

  it('a route naming an unconfigured provider names it', () => {
    const withoutTwilio = {
      TWILIO_ACCOUNT_SID: '',
      TWILIO_AUTH_TOKEN: '',
      TWILIO_FROM: '',
      TWILIO_VOICE_FROM: '',
    };
    expect(problems({ ...withoutTwilio, SMS_ROUTES: '*:plivo;IN:twilio' })).toContain(
      'SMS_ROUTES: IN names twilio, which is not configured',
    );
  });

  it("a country whose route has no provider with the channel's settings is named", () => {
    expect(problems({ VOICE_ROUTES: '*:twilio;IN:plivo' })).toContain(
      'VOICE_ROUTES: IN names no provider with voice settings',
    );
  });

  it('Twilio settings are checked together', () => {
    expect(problems({ TWILIO_ACCOUNT_SID: 'AC123' }).join('\n')).toContain('TWILIO_ACCOUNT_SID');
    expect(problems({ TWILIO_API_KEY_SID: 'SK00000000000000000000000000000001' }).join('\n')).toContain(
      'TWILIO_API_KEY_SID',
    );
    expect(
      problems({ TWILIO_MESSAGING_SERVICE_SID: 'MG00000000000000000000000000000001' }).join('\n'),
    ).toContain('TWILIO_FROM');
    expect(problems({ TWILIO_AUTH_TOKEN: '' }).join('\n')).toContain('TWILIO_AUTH_TOKEN');
  });
});
