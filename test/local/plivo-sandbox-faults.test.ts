import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlivoSandbox, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';

const AUTH_ID = 'MAFAULTS000000000001';
const AUTH_TOKEN = 'fault-token';
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

async function send(dst = '+15557654321'): Promise<Response> {
  return fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ src: '+15550001111', dst, text: 'code 123456' }),
  });
}

async function armFault(fault: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}

interface Attempt {
  dst: string | null;
  outcome: string;
  status: number;
}

async function attempts(): Promise<Attempt[]> {
  const listed = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Attempt[];
  return listed.map(({ dst, outcome, status }) => ({ dst, outcome, status }));
}

describe('fault injection', () => {
  it.each([500, 429, 400, 401, 404])(
    'fails exactly `count` sends with %i, Plivo-shaped, then sends work again',
    async (status) => {
      expect((await armFault({ status, count: 2 })).status).toBe(200);

      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await send();
        expect(response.status).toBe(status);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await response.json()) as { api_id: string; error: string };
        expect(body.api_id).toMatch(UUID);
        expect(body.error).toMatch(/fault injection/);
      }
      expect((await send()).status).toBe(202);
      expect(sandbox.messages()).toHaveLength(1);
    },
  );

  it('defaults count to 1', async () => {
    await armFault({ status: 500 });
    expect((await send()).status).toBe(500);
    expect((await send()).status).toBe(202);
  });

  it('does not store failed sends but records them in /__sandbox/requests', async () => {
    await armFault({ status: 500, count: 1 });
    await send('+15550000101');
    await send('+15550000102');

    expect(sandbox.messages().map((message) => message.dst)).toEqual(['+15550000102']);
    expect(await attempts()).toEqual([
      { dst: '+15550000102', outcome: 'accepted', status: 202 },
      { dst: '+15550000101', outcome: 'failed', status: 500 },
    ]);
  });

  it('delays a send by delayMs and then answers normally, recorded as delayed', async () => {
    await armFault({ delayMs: 300 });
    const started = performance.now();
    const response = await send();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(response.status).toBe(202);
    expect(await attempts()).toEqual([{ dst: '+15557654321', outcome: 'delayed', status: 202 }]);

    const next = performance.now();
    expect((await send()).status).toBe(202);
    expect(performance.now() - next).toBeLessThan(250);
  });

  it('combines delayMs and status: waits, then fails', async () => {
    await armFault({ status: 429, delayMs: 250 });
    const started = performance.now();
    const response = await send();
    expect(performance.now() - started).toBeGreaterThanOrEqual(230);
    expect(response.status).toBe(429);
    expect(sandbox.messages()).toEqual([]);
  });

  it('applies even to a send that would otherwise be rejected, since the outage comes first', async () => {
    await armFault({ status: 500 });
    const response = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
      method: 'POST',
      body: 'x',
    });
    expect(response.status).toBe(500);
  });

  it('DELETE /__sandbox/faults disarms a pending fault', async () => {
    await armFault({ status: 500, count: 5 });
    expect((await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await send()).status).toBe(202);
  });

  it('shows the armed fault and its remaining count on GET /__sandbox/faults', async () => {
    await armFault({ status: 500, count: 3 });
    await send();
    const body = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown };
    expect(body.fault).toEqual({ status: 500, delayMs: 0, remaining: 2, skip: 0 });
  });

  it('rejects malformed fault requests with 400 and leaves sending alone', async () => {
    for (const fault of [{ status: 200 }, { status: 500, count: 0 }, { delayMs: -1 }, {}, [], 'x']) {
      expect((await armFault(fault)).status).toBe(400);
    }
    const notJson = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await send()).status).toBe(202);
  });

  it('is disarmed by clear()', async () => {
    await armFault({ status: 500, count: 5 });
    sandbox.clear();
    expect((await send()).status).toBe(202);
  });
});

describe('latencyMs', () => {
  it('delays every Message API request, accepted or rejected', async () => {
    const slow = await startPlivoSandbox({
      authId: AUTH_ID,
      authToken: AUTH_TOKEN,
      latencyMs: 200,
      log: () => {},
    });
    const timedSend = async (authorization: string) => {
      const started = performance.now();
      const response = await fetch(`${slow.url}/v1/Account/${AUTH_ID}/Message/`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'hi' }),
      });
      return { status: response.status, elapsedMs: performance.now() - started };
    };
    try {
      const accepted = await timedSend(`Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`);
      expect(accepted.status).toBe(202);
      expect(accepted.elapsedMs).toBeGreaterThanOrEqual(180);
      const rejected = await timedSend(`Basic ${Buffer.from(`${AUTH_ID}:wrong`).toString('base64')}`);
      expect(rejected.status).toBe(401);
      expect(rejected.elapsedMs).toBeGreaterThanOrEqual(180);
      // The sandbox's own endpoints stay fast: they are not "the distance to Plivo".
      const started = performance.now();
      await fetch(`${slow.url}/__sandbox/messages`);
      expect(performance.now() - started).toBeLessThan(150);
    } finally {
      await slow.close();
    }
  });

  it('lets close() finish while a request is still waiting out the latency', async () => {
    const slow = await startPlivoSandbox({
      authId: AUTH_ID,
      authToken: AUTH_TOKEN,
      latencyMs: 10_000,
      log: () => {},
    });
    const pending = fetch(`${slow.url}/v1/Account/${AUTH_ID}/Message/`, { method: 'POST', body: '{}' }).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await slow.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
