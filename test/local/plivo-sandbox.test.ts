import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlivoSandbox, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';

const AUTH_ID = 'MATESTACCOUNT0000001';
const AUTH_TOKEN = 'test-auth-token-with-some-length';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sandbox: PlivoSandbox;

beforeAll(async () => {
  sandbox = await startPlivoSandbox({
    authId: AUTH_ID,
    authToken: AUTH_TOKEN,
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

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

interface SendOptions {
  accountId?: string;
  authorization?: string | null;
  contentType?: string | null;
  rawBody?: string;
  trailingSlash?: boolean;
}

async function send(body: unknown, options: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const authorization =
    options.authorization === undefined ? basicAuth(AUTH_ID, AUTH_TOKEN) : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const path = `/v1/Account/${options.accountId ?? AUTH_ID}/Message${options.trailingSlash === false ? '' : '/'}`;
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers,
    body: options.rawBody ?? JSON.stringify(body),
  });
}

const validSend = { src: '+15550001111', dst: '+15557654321', text: 'Your code is 482913' };

async function expectPlivoError(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { api_id: unknown; error: unknown };
  expect(body.api_id).toMatch(UUID);
  expect(typeof body.error).toBe('string');
  expect(body.error).not.toBe('');
  return body.error as string;
}

describe('sending a message', () => {
  it('answers 202 with the Plivo success shape and stores the message', async () => {
    const response = await send({ ...validSend, log: false, message_expiry: 300 });

    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { api_id: string; message: string; message_uuid: string[] };
    expect(body.api_id).toMatch(UUID);
    expect(body.message).toBe('message(s) queued');
    expect(body.message_uuid).toHaveLength(1);
    expect(body.message_uuid[0]).toMatch(UUID);

    const [stored] = sandbox.messages();
    expect(stored).toMatchObject({
      uuid: body.message_uuid[0],
      src: '+15550001111',
      powerpackUuid: null,
      dst: '+15557654321',
      text: 'Your code is 482913',
      url: null,
      log: false,
      messageExpiry: 300,
    });
    expect(new Date(stored?.receivedAt ?? '').toISOString()).toBe(stored?.receivedAt);
  });

  it('accepts the path without a trailing slash', async () => {
    const response = await send(validSend, { trailingSlash: false });
    expect(response.status).toBe(202);
  });

  it('accepts a Powerpack instead of src, and dst without the +', async () => {
    const powerpackUuid = 'd35f2e82-d387-427f-8594-6fa07613c43a';
    const response = await send({ powerpack_uuid: powerpackUuid, dst: '15557654321', text: 'hi' });
    expect(response.status).toBe(202);
    expect(sandbox.messages()[0]).toMatchObject({ src: null, powerpackUuid, dst: '15557654321' });
  });

  it('records log as true when the send leaves it out (Plivo default)', async () => {
    await send(validSend);
    expect(sandbox.messages()[0]?.log).toBe(true);
  });

  it('lists messages newest first, in messages() and GET /__sandbox/messages', async () => {
    for (const text of ['first', 'second', 'third'])
      expect((await send({ ...validSend, text })).status).toBe(202);

    expect(sandbox.messages().map((message) => message.text)).toEqual(['third', 'second', 'first']);
    const response = await fetch(`${sandbox.url}/__sandbox/messages`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const listed = (await response.json()) as { text: string; uuid: string; src: string; status: string }[];
    expect(listed.map((message) => message.text)).toEqual(['third', 'second', 'first']);
    expect(listed[0]).toMatchObject({ src: '+15550001111', dst: '+15557654321' });
    expect(listed[0]?.uuid).toMatch(UUID);
    expect(['queued', 'sent', 'delivered']).toContain(listed[0]?.status);
  });

  it('filters GET /__sandbox/messages by dst with or without the +', async () => {
    await send({ ...validSend, dst: '+447700900123', text: 'for the UK' });
    await send({ ...validSend, dst: '15557654321', text: 'for the US' });

    const textsFor = async (query: string) => {
      const response = await fetch(`${sandbox.url}/__sandbox/messages?dst=${query}`);
      return ((await response.json()) as { text: string }[]).map((message) => message.text);
    };
    expect(await textsFor('%2B447700900123')).toEqual(['for the UK']);
    expect(await textsFor('447700900123')).toEqual(['for the UK']);
    // A literal + in a query string decodes to a space; the filter must still match.
    expect(await textsFor('+15557654321')).toEqual(['for the US']);
    expect(await textsFor('%2B15557654321')).toEqual(['for the US']);
    expect(await textsFor('15550000000')).toEqual([]);
  });

  it('DELETE /__sandbox/messages empties the inbox and the request log', async () => {
    await send(validSend);
    const response = await fetch(`${sandbox.url}/__sandbox/messages`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(sandbox.messages()).toEqual([]);
    expect(await (await fetch(`${sandbox.url}/__sandbox/messages`)).json()).toEqual([]);
    expect(await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()).toEqual([]);
  });

  it('clear() empties the inbox at once, even while deliveries are in progress', async () => {
    await send(validSend);
    sandbox.clear();
    expect(sandbox.messages()).toEqual([]);
    expect((await send({ ...validSend, text: 'after clear' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sandbox.messages().map((message) => message.text)).toEqual(['after clear']);
  });

  it('keeps at most 1000 messages, dropping the oldest', async () => {
    for (let index = 0; index < 1005; index += 1) {
      const response = await send({ ...validSend, text: `message ${index}` });
      expect(response.status).toBe(202);
    }
    const messages = sandbox.messages();
    expect(messages).toHaveLength(1000);
    expect(messages[0]?.text).toBe('message 1004');
    expect(messages.at(-1)?.text).toBe('message 5');
  });
});

describe('authentication and account', () => {
  it('rejects a wrong password with 401', async () => {
    const error = await expectPlivoError(
      await send(validSend, { authorization: basicAuth(AUTH_ID, 'wrong') }),
      401,
    );
    expect(error).toMatch(/authentication/i);
    expect(sandbox.messages()).toEqual([]);
  });

  it('rejects a wrong user with the right password with 401', async () => {
    await expectPlivoError(await send(validSend, { authorization: basicAuth('MAOTHER', AUTH_TOKEN) }), 401);
  });

  it('rejects missing or malformed credentials with 401', async () => {
    await expectPlivoError(await send(validSend, { authorization: null }), 401);
    await expectPlivoError(await send(validSend, { authorization: 'Bearer abc' }), 401);
    await expectPlivoError(await send(validSend, { authorization: 'Basic !!!not-base64' }), 401);
    expect(sandbox.messages()).toEqual([]);
  });

  it('answers 404 for an account id in the path that is not the configured one, whatever the credentials', async () => {
    await expectPlivoError(await send(validSend, { accountId: 'MAUNKNOWN' }), 404);
    await expectPlivoError(
      await send(validSend, { accountId: 'MAUNKNOWN', authorization: basicAuth('MAUNKNOWN', AUTH_TOKEN) }),
      404,
    );
    await expectPlivoError(await send(validSend, { accountId: 'MAUNKNOWN', authorization: null }), 404);
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('validation, Plivo style', () => {
  const cases: [string, unknown][] = [
    ['missing dst', { src: validSend.src, text: 'hi' }],
    ['missing text', { src: validSend.src, dst: validSend.dst }],
    ['empty text', { ...validSend, text: '' }],
    ['text that is not a string', { ...validSend, text: 123456 }],
    ['both src and powerpack_uuid', { ...validSend, powerpack_uuid: 'd35f2e82-d387-427f-8594-6fa07613c43a' }],
    ['neither src nor powerpack_uuid', { dst: validSend.dst, text: 'hi' }],
    ['dst that is not a phone number', { ...validSend, dst: 'not-a-number' }],
    ['dst with several destinations', { ...validSend, dst: '15557654321<15557654322' }],
    ['src equal to dst', { ...validSend, src: '15557654321' }],
    ['src that is neither a number nor a sender ID', { ...validSend, src: 'WAY-TOO-LONG-SENDER' }],
    ['message_expiry below 5', { ...validSend, message_expiry: 4 }],
    ['message_expiry above 10799', { ...validSend, message_expiry: 10800 }],
    ['message_expiry not an integer', { ...validSend, message_expiry: 30.5 }],
    ['message_expiry as a string', { ...validSend, message_expiry: '300' }],
    ['log with an unknown value', { ...validSend, log: 'sometimes' }],
    ['log as a number', { ...validSend, log: 0 }],
    ['type other than sms', { ...validSend, type: 'mms' }],
    ['url that is not http(s)', { ...validSend, url: 'ftp://example.com/status' }],
    ['method other than GET or POST', { ...validSend, url: 'http://127.0.0.1:1/status', method: 'PUT' }],
    ['text longer than 1600 characters', { ...validSend, text: 'x'.repeat(1601) }],
    ['a JSON array', [validSend]],
    ['JSON null', null],
  ];
  it.each(cases)('rejects %s with 400', async (_name, body) => {
    await expectPlivoError(await send(body), 400);
    expect(sandbox.messages()).toEqual([]);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const error = await expectPlivoError(await send(null, { rawBody: '{"src": "+1555' }), 400);
    expect(error).toMatch(/json/i);
  });

  it('rejects a form-encoded body (wrong content type) with 400', async () => {
    const rawBody = new URLSearchParams(validSend).toString();
    const error = await expectPlivoError(
      await send(null, { rawBody, contentType: 'application/x-www-form-urlencoded' }),
      400,
    );
    expect(error).toMatch(/content type/i);
  });

  it('rejects a body without a content type with 400', async () => {
    await expectPlivoError(await send(validSend, { contentType: null }), 400);
  });

  it('accepts application/json with a charset parameter', async () => {
    expect((await send(validSend, { contentType: 'application/json; charset=utf-8' })).status).toBe(202);
  });

  it('accepts every documented log value and message_expiry bounds', async () => {
    for (const log of [true, false, 'number_only', 'content_only']) {
      expect((await send({ ...validSend, log })).status).toBe(202);
    }
    for (const message_expiry of [5, 10799])
      expect((await send({ ...validSend, message_expiry })).status).toBe(202);
    expect((await send({ ...validSend, type: 'sms', src: 'OTPEdge' })).status).toBe(202);
  });

  it('names the offending parameter in the error', async () => {
    expect(await expectPlivoError(await send({ src: validSend.src, text: 'hi' }), 400)).toMatch(/dst/);
    expect(await expectPlivoError(await send({ ...validSend, message_expiry: 1 }), 400)).toMatch(
      /message_expiry/,
    );
    expect(await expectPlivoError(await send({ ...validSend, log: 'x' }), 400)).toMatch(/log/);
  });

  it("refuses a dst ending 0020 with an error naming the number, as a provider's refusal may", async () => {
    const error = await expectPlivoError(await send({ ...validSend, dst: '15557650020' }), 400);
    expect(error).toBe(
      "dst 15557650020 is not allowed by the account's geo permissions (sandbox test number)",
    );
    expect(sandbox.messages()).toEqual([]);
  });

  it('rejects a body over 64 KiB without storing it', async () => {
    const response = await send({ ...validSend, padding: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('routing', () => {
  it('answers unknown routes with 404 JSON', async () => {
    await expectPlivoError(await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Recording/`), 404);
    await expectPlivoError(await fetch(`${sandbox.url}/nothing-here`), 404);
  });

  it('answers a wrong method with 405 JSON and an Allow header', async () => {
    const response = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
      headers: { authorization: basicAuth(AUTH_ID, AUTH_TOKEN) },
    });
    await expectPlivoError(response, 405);
    expect(response.headers.get('allow')).toBe('POST');
    await expectPlivoError(await fetch(`${sandbox.url}/__sandbox/messages`, { method: 'PUT' }), 405);
    await expectPlivoError(await fetch(`${sandbox.url}/`, { method: 'POST' }), 405);
  });

  it('survives malformed percent-encoding in the account id', async () => {
    await expectPlivoError(await send(validSend, { accountId: '%E0%A4%A' }), 404);
    expect((await send(validSend)).status).toBe(202);
  });
});

describe('GET /__sandbox/requests', () => {
  it('records every send attempt newest first, failed ones included', async () => {
    await send({ ...validSend, dst: '+15550000011' });
    await send({ ...validSend, dst: '+15550000022' }, { authorization: basicAuth(AUTH_ID, 'wrong') });
    await send({ src: validSend.src, dst: '+15550000033' });

    const response = await fetch(`${sandbox.url}/__sandbox/requests`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const attempts = (await response.json()) as {
      dst: string;
      outcome: string;
      status: number;
      receivedAt: string;
    }[];
    expect(attempts.map(({ dst, outcome, status }) => ({ dst, outcome, status }))).toEqual([
      { dst: '+15550000033', outcome: 'failed', status: 400 },
      { dst: '+15550000022', outcome: 'failed', status: 401 },
      { dst: '+15550000011', outcome: 'accepted', status: 202 },
    ]);
    expect(Number.isNaN(Date.parse(attempts[0]?.receivedAt ?? ''))).toBe(false);
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('is empty when nothing was attempted', async () => {
    expect(await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()).toEqual([]);
  });

  it('records an attempt whose body is not JSON with a null dst', async () => {
    await send(null, { rawBody: 'garbage' });
    const attempts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as unknown[];
    expect(attempts).toEqual([expect.objectContaining({ dst: null, outcome: 'failed', status: 400 })]);
  });

  it('DELETE /__sandbox/requests clears the attempt log only', async () => {
    await send(validSend);
    expect((await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()).toEqual([]);
    expect(sandbox.messages()).toHaveLength(1);
  });
});

describe('startPlivoSandbox options', () => {
  it('rejects an invalid port or missing credentials before listening', async () => {
    await expect(startPlivoSandbox({ authId: AUTH_ID, authToken: AUTH_TOKEN, port: 70_000 })).rejects.toThrow(
      /port/,
    );
    await expect(startPlivoSandbox({ authId: '', authToken: AUTH_TOKEN })).rejects.toThrow(/authId/);
  });

  it('gives a loopback URL without a trailing slash, and close() is idempotent', async () => {
    const other = await startPlivoSandbox({ authId: AUTH_ID, authToken: AUTH_TOKEN });
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await Promise.all([other.close(), other.close()]);
    await expect(fetch(`${other.url}/`)).rejects.toThrow();
  });
});
