import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type SandboxMessage,
  startTwilioSandbox,
  type TwilioSandbox,
} from '../../local/twilio-sandbox/server.ts';
import {
  ACCOUNT_SID,
  API_KEY,
  AUTH_TOKEN,
  basicAuth,
  create,
  MESSAGING_SERVICE_SID,
  SENDER,
  type TwilioErrorBody,
} from './support/twilio-client.ts';

// The Messages API as a plain-fetch Twilio client meets it: credentials, form parameters, the
// Message resource, and every refusal with Twilio's code, status and error shape.

const TO = '+15557654321';
let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiKeys: [API_KEY],
    senders: [SENDER, 'OTPEDGE'],
    messagingServiceSids: [MESSAGING_SERVICE_SID],
    callbackDelayMs: 5,
    log: () => {},
  });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clear();
});

function sendMessage(fields: Record<string, string | undefined>, options = {}): Promise<Response> {
  return create(
    sandbox.url,
    'Messages',
    { To: TO, From: SENDER, Body: 'Your code is 482913', ...fields },
    options,
  );
}

async function refusal(response: Response): Promise<TwilioErrorBody & { httpStatus: number }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { httpStatus: response.status, ...((await response.json()) as TwilioErrorBody) };
}

describe('credentials', () => {
  it('accepts the Account SID with its auth token', async () => {
    expect((await sendMessage({})).status).toBe(201);
    expect(sandbox.requests()[0]).toMatchObject({ outcome: 'accepted', credentials: 'auth-token' });
  });

  it('accepts an API key SID with its secret, for the account the key belongs to', async () => {
    const response = await sendMessage({}, { authorization: basicAuth(API_KEY.sid, API_KEY.secret) });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { account_sid: string }).account_sid).toBe(ACCOUNT_SID);
    expect(sandbox.requests()[0]).toMatchObject({ credentials: 'api-key' });
  });

  const wrong: [string, string | null][] = [
    ['no Authorization header', null],
    ['a wrong auth token', basicAuth(ACCOUNT_SID, 'not-the-token')],
    ['an API key with the account auth token', basicAuth(API_KEY.sid, AUTH_TOKEN)],
    ['an API key with a wrong secret', basicAuth(API_KEY.sid, 'nope')],
    ['the API key secret under the Account SID', basicAuth(ACCOUNT_SID, API_KEY.secret)],
    ['a Bearer token', `Bearer ${AUTH_TOKEN}`],
  ];
  it.each(wrong)('refuses %s with 20003 and 401, and creates nothing', async (_name, authorization) => {
    const body = await refusal(await sendMessage({}, { authorization }));
    expect(body).toEqual({
      httpStatus: 401,
      code: 20003,
      message: expect.stringMatching(/^Authenticat/),
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(sandbox.messages()).toEqual([]);
  });

  it('refuses good credentials used on another account, whether token or API key', async () => {
    const otherAccount = 'ACffffffffffffffffffffffffffffffff';
    for (const authorization of [basicAuth(), basicAuth(API_KEY.sid, API_KEY.secret)]) {
      const body = await refusal(await sendMessage({}, { authorization, accountSid: otherAccount }));
      expect([body.httpStatus, body.code]).toEqual([401, 20003]);
    }
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('Message resource', () => {
  it('answers 201 with the Message resource: SM sid of 34 characters, queued, RFC 2822 dates, uri', async () => {
    const response = await sendMessage({});
    expect(response.status).toBe(201);
    const message = (await response.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      body: 'Your code is 482913',
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: SENDER,
      messaging_service_sid: null,
      num_segments: '1',
      status: 'queued',
      to: TO,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.date_created).toMatch(
      /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
    );
    expect(message.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);
    expect(sandbox.messages()[0]?.sid).toBe(message.sid);
  });

  it('starts a send through a Messaging Service as accepted, from the pool when no From is given', async () => {
    const response = await sendMessage({ From: undefined, MessagingServiceSid: MESSAGING_SERVICE_SID });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      status: 'accepted',
      messaging_service_sid: MESSAGING_SERVICE_SID,
      from: SENDER,
    });
  });

  it('sends from an alphanumeric sender ID the account owns', async () => {
    const response = await sendMessage({ From: 'OTPEDGE' });
    expect(((await response.json()) as { from: string }).from).toBe('OTPEDGE');
  });

  it('reads form encoding as Twilio does: + and unicode survive, a long UCS-2 body counts its segments', async () => {
    const body = 'Code: 482913 + ünïcødé ✓ & more';
    const response = await sendMessage({ Body: body, ValidityPeriod: '600' });
    expect(await response.json()).toMatchObject({ body, num_segments: '1' });
    expect(sandbox.messages()[0]).toMatchObject({ body, validityPeriod: 600 });
    const long = await sendMessage({ Body: '✓'.repeat(71) });
    expect(((await long.json()) as { num_segments: string }).num_segments).toBe('2');
  });

  it('reads a JSON body as no parameters at all, so it answers 21604 as Twilio does', async () => {
    const response = await fetch(`${sandbox.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/json' },
      body: JSON.stringify({ To: TO, From: SENDER, Body: 'hello' }),
    });
    expect(await refusal(response)).toMatchObject({ httpStatus: 400, code: 21604 });
  });

  it('lists messages for a number with or without its +, newest first', async () => {
    await sendMessage({ Body: 'first' });
    await sendMessage({ Body: 'second' });
    await sendMessage({ To: '+15550009999', Body: 'elsewhere' });
    for (const query of ['%2B15557654321', '15557654321', '+15557654321']) {
      const listed = (await (
        await fetch(`${sandbox.url}/__sandbox/messages?to=${query}`)
      ).json()) as SandboxMessage[];
      expect(listed.map((message) => message.body)).toEqual(['second', 'first']);
    }
  });
});

describe('refusals', () => {
  const cases: [string, Record<string, string | undefined>, number][] = [
    ['no To', { To: undefined }, 21604],
    ['a To that is not E.164', { To: '5551234567' }, 21211],
    ['a To with letters', { To: '+1555CALLNOW' }, 21211],
    ['neither From nor MessagingServiceSid', { From: undefined }, 21603],
    [
      'an unknown Messaging Service',
      { From: undefined, MessagingServiceSid: 'MGffffffffffffffffffffffffffffffff' },
      21705,
    ],
    ['a From that is neither a number nor a sender ID', { From: '12-34' }, 21212],
    ['a From the account does not own', { From: '+14155550199' }, 21659],
    ['a sender ID the account does not own', { From: 'OTHERBRAND' }, 21659],
    ['no Body', { Body: undefined }, 21602],
    ['a Body over 1600 characters', { Body: 'x'.repeat(1601) }, 21617],
    ['a StatusCallback that is not a URL', { StatusCallback: 'not a url' }, 21609],
    [
      'a StatusCallback with an underscore in its host',
      { StatusCallback: 'https://my_app.example.com/s' },
      21609,
    ],
    ['a ValidityPeriod of 0', { ValidityPeriod: '0' }, 21624],
    ['a ValidityPeriod over 36000', { ValidityPeriod: '36001' }, 21624],
    ['a To the geo permissions refuse', { To: '+88216123456' }, 21408],
    ['a To that replied STOP (ends in 0003)', { To: '+15557650003' }, 21610],
  ];
  it.each(cases)(
    'refuses %s with 400 and code %i, in the error shape, creating nothing',
    async (_name, fields, code) => {
      const body = await refusal(await sendMessage(fields));
      expect(body).toEqual({
        httpStatus: 400,
        code,
        message: expect.any(String),
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status: 400,
      });
      expect(body.message).not.toBe('');
      expect(sandbox.messages()).toEqual([]);
      expect(sandbox.requests()[0]).toMatchObject({ api: 'message', outcome: 'refused', status: 400, code });
    },
  );

  it('accepts 1600 characters and a ValidityPeriod of 36000, the documented limits', async () => {
    expect((await sendMessage({ Body: 'x'.repeat(1600), ValidityPeriod: '36000' })).status).toBe(201);
  });

  it('answers an unknown 2010-04-01 resource with 20404 and other methods with 405', async () => {
    const missing = await fetch(`${sandbox.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/SMnope.json`, {
      headers: { authorization: basicAuth() },
    });
    expect(await refusal(missing)).toMatchObject({ httpStatus: 404, code: 20404 });
    const listing = await fetch(`${sandbox.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      headers: { authorization: basicAuth() },
    });
    expect(listing.status).toBe(405);
    expect(listing.headers.get('allow')).toBe('POST');
  });
});
