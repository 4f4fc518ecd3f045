import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../local/support/browser-lockdown.ts';
import { startTwilioSandbox, type TwilioSandbox } from '../../local/twilio-sandbox/server.ts';
import { rawRequest } from './support/raw-request.ts';
import { ACCOUNT_SID, AUTH_TOKEN, basicAuth, SENDER } from './support/twilio-client.ts';

// What keeps a web page open on this machine from reading the inbox, sending, calling or arming
// faults: every refusal of local/support/browser-lockdown.ts, and proof that nothing happened behind it.

let sandbox: TwilioSandbox;
let port: number;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    callbackDelayMs: 5,
    log: () => {},
  });
  port = Number(new URL(sandbox.url).port);
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clear();
});

const MESSAGE_FORM = new URLSearchParams({
  To: '+15557654321',
  From: SENDER,
  Body: 'code 482913',
}).toString();

/** A request with headers fetch will not send as given (Host), through node:http. */
function raw(path: string, options: Parameters<typeof rawRequest>[1]) {
  return rawRequest(`${sandbox.url}${path}`, options);
}

describe('Origin', () => {
  const targets: [string, string, string, string | undefined][] = [
    ['sending a message', 'POST', `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, MESSAGE_FORM],
    ['reading the inbox page', 'GET', '/', undefined],
    ['reading the messages', 'GET', '/__sandbox/messages', undefined],
    ['clearing the calls', 'DELETE', '/__sandbox/calls', undefined],
    ['arming a fault', 'POST', '/__sandbox/faults', '{"status":500}'],
  ];
  it.each(targets)(
    'refuses a foreign Origin with 403 when %s, and nothing happens',
    async (_name, method, path, body) => {
      const response = await fetch(`${sandbox.url}${path}`, {
        method,
        headers: {
          origin: 'https://evil.example',
          authorization: basicAuth(),
          'content-type': path.startsWith('/__sandbox/')
            ? 'application/json'
            : 'application/x-www-form-urlencoded',
        },
        body,
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        code: 403,
        status: 403,
        message: expect.stringMatching(/Origin/),
      });
      expect(sandbox.messages()).toEqual([]);
      expect(sandbox.requests()).toEqual([]);
      const faults = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown };
      expect(faults.fault).toBeNull();
    },
  );

  it.each(['null', 'http://localhost.evil.example', `http://127.0.0.1:${Number(port) + 1}`])(
    'refuses Origin %s too',
    async (origin) => {
      expect((await fetch(`${sandbox.url}/__sandbox/messages`, { headers: { origin } })).status).toBe(403);
    },
  );

  it("accepts the sandbox's own origin, as its inbox page's Clear button sends it", async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/messages`, {
      method: 'DELETE',
      headers: { origin: sandbox.url },
    });
    expect(response.status).toBe(204);
  });

  it('serves Twilio clients, which send no Origin, with their form bodies', async () => {
    const response = await fetch(`${sandbox.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: MESSAGE_FORM,
    });
    expect(response.status).toBe(201);
  });
});

describe('content types', () => {
  it.each([
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])('refuses a %s body on the /__sandbox/ API with 415 and arms nothing', async (contentType) => {
    const response = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: '{"status":500}',
    });
    expect(response.status).toBe(415);
    const faults = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown };
    expect(faults.fault).toBeNull();
  });
});

describe('Host (DNS rebinding)', () => {
  it.each([
    'attacker.example',
    'attacker.example:80',
    '192.168.1.10',
    '10.0.0.1:8791',
    '[2001:db8::1]',
    'localhost.attacker.example',
  ])('refuses Host %s with 421, for the inbox and for the API', async (host) => {
    expect((await raw('/', { headers: { host } })).status).toBe(421);
    const sent = await raw(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { host, authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: MESSAGE_FORM,
    });
    expect(sent.status).toBe(421);
    expect(sandbox.messages()).toEqual([]);
  });

  it.each(['localhost', `localhost:${8791}`, '127.0.0.1', '127.0.0.2:9', '[::1]:8791', 'sandbox.localhost'])(
    'answers Host %s',
    async (host) => {
      expect((await raw('/', { headers: { host } })).status).toBe(200);
    },
  );

  it('reads Host headers strictly', () => {
    expect(isLoopbackHost(undefined)).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false);
    expect(isLoopbackHost('127.0.0.1@evil.example')).toBe(false);
    expect(isLoopbackHost('[::ffff:7f00:1]')).toBe(false);
  });
});
