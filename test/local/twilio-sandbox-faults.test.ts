import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioSandbox, type TwilioSandbox } from '../../local/twilio-sandbox/server.ts';
import { ACCOUNT_SID, AUTH_TOKEN, create, SENDER, type TwilioErrorBody } from './support/twilio-client.ts';

// Scripted outages of the Messages and Calls APIs (local/support/faults.ts), answered in Twilio's
// error shape with Twilio's code where it documents one, and the latency option.

let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    callbackDelayMs: 5,
    callAnswerDelayMs: 0,
    log: () => {},
  });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clear();
});

function sendMessage(): Promise<Response> {
  return create(sandbox.url, 'Messages', { To: '+15557654321', From: SENDER, Body: 'code 482913' });
}

function placeCall(): Promise<Response> {
  return create(sandbox.url, 'Calls', {
    To: '+15557654321',
    From: SENDER,
    Twiml: '<Response><Say>hi</Say></Response>',
  });
}

async function armFault(plan: unknown, api?: 'message' | 'call'): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/faults${api ? `?api=${api}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(plan),
  });
}

describe('fault injection', () => {
  const mapped: [number, number][] = [
    [429, 20429],
    [500, 20500],
    [401, 20003],
    [503, 503],
    [502, 502],
  ];
  it.each(mapped)(
    'answers exactly `count` sends with %i (code %i), then sends work again',
    async (status, code) => {
      expect((await armFault({ status, count: 2 })).status).toBe(200);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await sendMessage();
        expect(response.status).toBe(status);
        const body = (await response.json()) as TwilioErrorBody;
        expect(body).toMatchObject({ code, status, message: expect.stringMatching(/fault injection/) });
      }
      expect((await sendMessage()).status).toBe(201);
      expect(sandbox.messages()).toHaveLength(1);
      expect(sandbox.requests().map((request) => request.status)).toEqual([201, status, status]);
    },
  );

  it('keeps one plan per API: a call fault leaves messages alone, and the other way round', async () => {
    await armFault({ status: 503 }, 'call');
    expect((await sendMessage()).status).toBe(201);
    expect((await placeCall()).status).toBe(503);
    await armFault({ status: 500 });
    expect((await placeCall()).status).toBe(201);
    expect((await sendMessage()).status).toBe(500);
  });

  it('skips `skip` requests before failing, and a delay-only fault is recorded as delayed', async () => {
    await armFault({ status: 500, skip: 1 });
    expect((await sendMessage()).status).toBe(201);
    expect((await sendMessage()).status).toBe(500);
    await armFault({ delayMs: 20 });
    expect((await sendMessage()).status).toBe(201);
    expect(sandbox.requests()[0]?.outcome).toBe('delayed');
  });

  it('shows the armed plan, and DELETE without api disarms both', async () => {
    await armFault({ status: 500, count: 3 });
    await armFault({ status: 429 }, 'call');
    const shown = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown };
    expect(shown.fault).toEqual({ status: 500, delayMs: 0, remaining: 3, skip: 0 });
    expect((await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await sendMessage()).status).toBe(201);
    expect((await placeCall()).status).toBe(201);
  });

  it.each([{ status: 200 }, { count: 2 }, { status: 500, count: 0 }, 'not an object'])(
    'refuses the plan %j with 400',
    async (plan) => {
      expect((await armFault(plan)).status).toBe(400);
    },
  );

  it('refuses an unknown api with 400', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/faults?api=fax`);
    expect(response.status).toBe(400);
  });
});

describe('latency', () => {
  it('delays every API request by latencyMs and still answers it', async () => {
    const slow = await startTwilioSandbox({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      latencyMs: 30,
      log: () => {},
    });
    try {
      const response = await create(slow.url, 'Messages', {
        To: '+15557654321',
        From: '+14155550100',
        Body: 'x',
      });
      expect(response.status).toBe(201);
      expect(slow.messages()).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('refuses invalid options at start', async () => {
    await expect(startTwilioSandbox({ accountSid: 'ACnot-hex', authToken: 't' })).rejects.toThrow(
      /accountSid/,
    );
    await expect(startTwilioSandbox({ accountSid: ACCOUNT_SID, authToken: '' })).rejects.toThrow(/authToken/);
    await expect(
      startTwilioSandbox({ accountSid: ACCOUNT_SID, authToken: 't', apiKeys: [{ sid: 'SK1', secret: 's' }] }),
    ).rejects.toThrow(/apiKeys/);
    await expect(
      startTwilioSandbox({ accountSid: ACCOUNT_SID, authToken: 't', latencyMs: -1 }),
    ).rejects.toThrow(/latencyMs/);
  });
});
