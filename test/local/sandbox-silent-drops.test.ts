import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlivoSandbox, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';
import { startTwilioSandbox, type TwilioSandbox } from '../../local/twilio-sandbox/server.ts';
import { ACCOUNT_SID, AUTH_TOKEN, create, SENDER } from './support/twilio-client.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

// Scripted silent delivery failures (`/__sandbox/faults?api=drops`, local/support/silent-drops.ts):
// the API accepts the message as usual, the inbox never shows it, and its delivery reports end
// `undelivered`, in the chosen country only. Both sandboxes serve the same API.

const PLIVO_ID = 'MADROPS0000000000001';
const PLIVO_TOKEN = 'drops-token';
const GB_NUMBER = '+447400123456';
const US_NUMBER = '+15557654321';

let plivo: PlivoSandbox;
let twilio: TwilioSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  plivo = await startPlivoSandbox({
    authId: PLIVO_ID,
    authToken: PLIVO_TOKEN,
    callbackDelayMs: 5,
    log: () => {},
  });
  twilio = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    callbackDelayMs: 5,
    callAnswerDelayMs: 0,
    log: () => {},
  });
});
afterAll(async () => {
  await Promise.all([plivo.close(), twilio.close(), receiver.close()]);
});
beforeEach(() => {
  plivo.clear();
  twilio.clear();
  receiver.received.length = 0;
});

function drops(base: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/__sandbox/faults?api=drops`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
}

async function dropAll(base: string, country: string): Promise<void> {
  const armed = await drops(base, { method: 'POST', body: JSON.stringify({ country, percent: 100 }) });
  expect(armed.status).toBe(200);
  expect(await armed.json()).toEqual({ drops: { [country]: 100 } });
}

async function inbox(base: string): Promise<unknown[]> {
  return (await (await fetch(`${base}/__sandbox/messages`)).json()) as unknown[];
}

function sendPlivo(dst: string, path: string): Promise<Response> {
  return fetch(`${plivo.url}/v1/Account/${PLIVO_ID}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${PLIVO_ID}:${PLIVO_TOKEN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ src: '+15550001111', dst, text: 'code 123456', url: `${receiver.base}${path}` }),
  });
}

describe('silent drops', () => {
  it('Plivo: a dropped message is accepted, never reaches the inbox, and is reported undelivered', async () => {
    await dropAll(plivo.url, 'GB');
    expect((await sendPlivo(GB_NUMBER, '/gb')).status).toBe(202);
    const reports = await receiver.waitFor('/gb', 3);
    expect(reports.map((report) => report.fields.Status)).toEqual(['queued', 'sent', 'undelivered']);
    expect(await inbox(plivo.url)).toEqual([]);
    const { dropped } = (await (await drops(plivo.url)).json()) as {
      dropped: { to: string; text: string }[];
    };
    expect(dropped).toMatchObject([{ to: expect.stringContaining(GB_NUMBER.slice(1)), text: 'code 123456' }]);
  });

  it('Plivo: another country is untouched', async () => {
    await dropAll(plivo.url, 'GB');
    expect((await sendPlivo(US_NUMBER, '/us')).status).toBe(202);
    const reports = await receiver.waitFor('/us', 3);
    expect(reports.at(-1)?.fields.Status).toBe('delivered');
    expect(await inbox(plivo.url)).toHaveLength(1);
  });

  it('Twilio: a dropped message is created, never reaches the inbox, and is reported undelivered', async () => {
    await dropAll(twilio.url, 'GB');
    const created = await create(twilio.url, 'Messages', {
      To: GB_NUMBER,
      From: SENDER,
      Body: 'code 482913',
      StatusCallback: `${receiver.base}/twilio-gb`,
    });
    expect(created.status).toBe(201);
    const reports = await receiver.waitFor('/twilio-gb', 3);
    expect(reports.at(-1)?.fields.MessageStatus).toBe('undelivered');
    expect(await inbox(twilio.url)).toEqual([]);
  });

  it('a percentage drops about that share, and percent 0, DELETE and clear() stop it', async () => {
    const armed = await drops(plivo.url, {
      method: 'POST',
      body: JSON.stringify({ country: 'GB', percent: 30 }),
    });
    expect(await armed.json()).toEqual({ drops: { GB: 30 } });
    await Promise.all(Array.from({ length: 200 }, (_, i) => sendPlivo(GB_NUMBER, `/share-${i}`)));
    const delivered = (await inbox(plivo.url)).length;
    // 200 draws at 30 %: the share lost lies within 15-45 % with overwhelming probability.
    expect(delivered).toBeGreaterThan(110);
    expect(delivered).toBeLessThan(170);
    await drops(plivo.url, { method: 'POST', body: JSON.stringify({ country: 'GB', percent: 0 }) });
    expect(await (await drops(plivo.url)).json()).toMatchObject({ drops: {} });
    await dropAll(twilio.url, 'GB');
    expect((await drops(twilio.url, { method: 'DELETE' })).status).toBe(204);
    expect(await (await drops(twilio.url)).json()).toEqual({ drops: {}, dropped: [] });
  });

  it('refuses a malformed plan, naming the field', async () => {
    const bad = await drops(plivo.url, {
      method: 'POST',
      body: JSON.stringify({ country: 'gb', percent: 30 }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('country');
    const tooMuch = await drops(twilio.url, {
      method: 'POST',
      body: JSON.stringify({ country: 'GB', percent: 130 }),
    });
    expect(tooMuch.status).toBe(400);
  });
});
