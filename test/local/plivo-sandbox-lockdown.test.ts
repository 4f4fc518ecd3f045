import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlivoSandbox, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';
import { type LocalRedisRest, startLocalRedisRest } from '../../local/redis-rest/local-stack.ts';
import { rawRequest } from './support/raw-request.ts';

// The Plivo sandbox and the Redis REST server listen on 127.0.0.1, where every web page open in the
// developer's browser can reach them: a page must neither arm the sandbox's faults (a cross-site
// POST, with an Origin, or a no-cors text/plain one) nor read its inbox or Redis by rebinding its
// own name to 127.0.0.1 (its requests then say `Host: evil.example`). The sandbox's own inbox page
// must keep working: its requests carry the sandbox's own origin.

const AUTH_ID = 'MALOCKDOWN0000000001';
const AUTH_TOKEN = 'lockdown-test-token';
const REST_TOKEN = 'lockdown-rest-token';
let sandbox: PlivoSandbox;
let rest: LocalRedisRest;
let port: number;

beforeAll(async () => {
  sandbox = await startPlivoSandbox({ authId: AUTH_ID, authToken: AUTH_TOKEN, callbackDelayMs: 5 });
  port = Number(new URL(sandbox.url).port);
  rest = await startLocalRedisRest({ token: REST_TOKEN });
});
afterAll(async () => {
  await sandbox?.close();
  await rest?.close();
});
beforeEach(() => {
  sandbox.clear();
});

const FAULT = JSON.stringify({ status: 500, count: 1 });

async function armedFault(): Promise<unknown> {
  return ((await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown }).fault;
}

describe('the Plivo sandbox refuses other web pages', () => {
  it('a cross-site POST arming a fault (Origin of another site) is 403 and arms nothing', async () => {
    const answer = await rawRequest(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: FAULT,
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: expect.stringMatching(/another origin/) });
    expect(await armedFault()).toBeNull();
  });

  it("another local page (the Worker's demo on another port) is another origin too", async () => {
    const answer = await rawRequest(`${sandbox.url}/__sandbox/messages`, {
      method: 'DELETE',
      headers: { origin: `http://127.0.0.1:${port + 1}` },
    });
    expect(answer.status).toBe(403);
  });

  it.each(['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded'])(
    'a fault plan sent as %s (a no-cors body, without a preflight) is 415 and arms nothing',
    async (type) => {
      const answer = await rawRequest(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: FAULT,
      });
      expect(answer.status).toBe(415);
      expect(await armedFault()).toBeNull();
    },
  );

  it.each(['/', '/__sandbox/messages', '/__sandbox/calls', '/__sandbox/requests'])(
    'a rebinding page (Host evil.example) reads nothing from %s',
    async (path) => {
      const answer = await rawRequest(`${sandbox.url}${path}`, { headers: { host: `evil.example:${port}` } });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/not a local name/);
      expect(answer.body).not.toMatch(/inbox/i);
    },
  );

  it('a rebinding page cannot use the Message API either', async () => {
    const answer = await rawRequest(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
      method: 'POST',
      headers: {
        host: `evil.example:${port}`,
        authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'x' }),
    });
    expect(answer.status).toBe(403);
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('the Plivo sandbox still serves its own inbox page and local clients', () => {
  it.each(['127.0.0.1', 'localhost', '[::1]'])('serves the inbox to Host %s', async (name) => {
    const answer = await rawRequest(`${sandbox.url}/`, { headers: { host: `${name}:${port}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<h1>SMS inbox</h1>');
  });

  it('takes a request whose Origin is its own (the inbox page clearing the inbox)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const answer = await rawRequest(`${sandbox.url}/__sandbox/messages`, {
        method: 'DELETE',
        headers: { host, origin: `http://${host}` },
      });
      expect(answer.status).toBe(204);
    }
  });

  it('takes a JSON fault plan without an Origin (tests, curl)', async () => {
    const answer = await rawRequest(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: FAULT,
    });
    expect(answer.status).toBe(200);
    expect(await armedFault()).toMatchObject({ status: 500 });
  });
});

describe('the Redis REST server refuses rebinding pages as well', () => {
  it('answers a Host that is not a local name with 403, even with the right token', async () => {
    const answer = await rawRequest(`${rest.server.url}/`, {
      method: 'POST',
      headers: {
        host: 'evil.example',
        authorization: `Bearer ${REST_TOKEN}`,
        'content-type': 'application/json',
      },
      body: '["PING"]',
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/not a local name/) });
  });

  it('serves the same request with Host localhost', async () => {
    const answer = await rawRequest(`${rest.server.url}/`, {
      method: 'POST',
      headers: {
        host: 'localhost',
        authorization: `Bearer ${REST_TOKEN}`,
        'content-type': 'application/json',
      },
      body: '["PING"]',
    });
    expect(answer).toEqual({ status: 200, body: '{"result":"PONG"}' });
  });
});
