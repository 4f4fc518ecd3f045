import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookInbox, type WebhookInbox } from '../../local/webhook-inbox/server.ts';
import { generateWebhookSecret } from '../../scripts/keygen.ts';

// The local receiver of the Worker's event webhooks (local/webhook-inbox/): it must tell a genuine
// Standard Webhooks signature from a forged one, go down and come back on request, and keep other
// web pages in the developer's browser from driving it.

const secret = generateWebhookSecret();
let inbox: WebhookInbox;
beforeAll(async () => {
  inbox = await startWebhookInbox({ secrets: [secret] });
});
afterAll(() => inbox.close());

function sign(id: string, timestamp: string, body: string, key = secret): string {
  const mac = createHmac('sha256', Buffer.from(key.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

function deliver(id: string, body: string, signature: string | undefined) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(inbox.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      ...(signature === undefined ? {} : { 'webhook-signature': signature.replace('{ts}', timestamp) }),
    },
    body,
  });
}

describe('the webhook inbox', () => {
  it('marks each delivery valid, invalid or unsigned, and a repeated id as a duplicate', async () => {
    const body = JSON.stringify({
      type: 'verification.approved',
      timestamp: new Date().toISOString(),
      data: {},
    });
    const timestamp = () => String(Math.floor(Date.now() / 1000));
    const ts = timestamp();
    const good = await fetch(inbox.webhookUrl, {
      method: 'POST',
      headers: {
        'webhook-id': 'evt_good',
        'webhook-timestamp': ts,
        'webhook-signature': `v1,AAAA ${sign('evt_good', ts, body)}`,
      },
      body,
    });
    expect(good.status).toBe(204);
    await deliver('evt_forged', body, sign('evt_forged', '1', body, generateWebhookSecret()));
    await deliver('evt_unsigned', body, undefined);
    await deliver('evt_good', body, undefined);
    const { events } = (await (await fetch(`${inbox.url}/__events`)).json()) as {
      events: { id: string; signature: string; duplicate: boolean; type: string }[];
    };
    expect(events.map(({ id, signature, duplicate }) => [id, signature, duplicate])).toEqual([
      ['evt_good', 'valid', false],
      ['evt_forged', 'invalid', false],
      ['evt_unsigned', 'unsigned', false],
      ['evt_good', 'unsigned', true],
    ]);
    expect(events[0]?.type).toBe('verification.approved');
    const page = await (await fetch(`${inbox.url}/`)).text();
    expect(page).toContain('evt_forged');
    expect(page).toContain('signature invalid');
  });

  it('answers 503 while told to be down, counts what it refused, and 204 again once up', async () => {
    await fetch(`${inbox.url}/__events`, { method: 'DELETE' });
    const down = await fetch(`${inbox.url}/__down`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 30 }),
    });
    expect(down.status).toBe(200);
    expect((await deliver('evt_while_down', '{}', undefined)).status).toBe(503);
    await fetch(`${inbox.url}/__up`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect((await deliver('evt_after', '{}', undefined)).status).toBe(204);
    const state = (await (await fetch(`${inbox.url}/__events`)).json()) as {
      events: { id: string }[];
      refused: number;
    };
    expect(state.refused).toBe(1);
    expect(state.events.map((event) => event.id)).toEqual(['evt_after']);
  });

  it('refuses another web page: a foreign Origin cannot take it down', async () => {
    const forged = await fetch(`${inbox.url}/__down`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'seconds=600',
    });
    expect(forged.status).toBe(403);
    expect((await deliver('evt_still_up', '{}', undefined)).status).toBe(204);
  });
});
