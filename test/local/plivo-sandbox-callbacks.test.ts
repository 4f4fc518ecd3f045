import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type PlivoSandbox,
  type PlivoSandboxOptions,
  startPlivoSandbox,
} from '../../local/plivo-sandbox/server.ts';
import { signatureV3Payload } from '../../local/plivo-sandbox/signature-v3.ts';
import { hmacBase64, type Pair, referenceV3StringToSign } from './support/plivo-v3-reference.ts';

const AUTH_ID = 'MACALLBACKS000000001';
const AUTH_TOKEN = 'callback-signing-token';

// ---- A tiny callback receiver. ----

interface ReceivedCallback {
  method: string;
  /** Absolute URL as the receiver saw it, query included. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The fields, from the form body (POST) or the query (GET), minus the receiver's own query. */
  fields: Record<string, string>;
  at: number;
}

interface Receiver {
  base: string;
  received: ReceivedCallback[];
  answerWith: number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: ReceivedCallback[] = [];
  const receiver: Receiver = {
    base: '',
    received,
    answerWith: 200,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} callbacks, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', receiver.base);
      const source = request.method === 'GET' ? url.searchParams : new URLSearchParams(body);
      const fields = Object.fromEntries([...source].filter(([key]) => /^[A-Z]/.test(key)));
      received.push({
        method: request.method ?? '',
        url: url.href,
        headers: request.headers,
        body,
        fields,
        at: Date.now(),
      });
      response.writeHead(receiver.answerWith).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

// ---- Sandbox plumbing. ----

let sandbox: PlivoSandbox;
let receiver: Receiver;
let logLines: string[];

async function startSandbox(options: Partial<PlivoSandboxOptions> = {}): Promise<PlivoSandbox> {
  return startPlivoSandbox({
    authId: AUTH_ID,
    authToken: AUTH_TOKEN,
    callbackDelayMs: 20,
    log: (line) => logLines.push(line),
    ...options,
  });
}

async function sendVia(target: PlivoSandbox, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${target.url}/v1/Account/${AUTH_ID}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'Your code is 482913', ...body }),
  });
  expect(response.status).toBe(202);
  const { message_uuid } = (await response.json()) as { message_uuid: string[] };
  return message_uuid[0] ?? '';
}

function header(callback: ReceivedCallback, name: string): string {
  const value = callback.headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

async function expectValidV3(callback: ReceivedCallback, configuredUrl: string): Promise<void> {
  const nonce = header(callback, 'x-plivo-signature-v3-nonce');
  const payload =
    callback.method === 'GET'
      ? // For GET, what was signed is exactly the URL the receiver was called on.
        referenceV3StringToSign(callback.url, 'GET', [], nonce)
      : referenceV3StringToSign(configuredUrl, 'POST', [...new URLSearchParams(callback.body)], nonce);
  expect(header(callback, 'x-plivo-signature-v3')).toBe(await hmacBase64(AUTH_TOKEN, payload));
}

async function waitForStatus(target: PlivoSandbox, uuid: string, status: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (target.messages().find((message) => message.uuid === uuid)?.status !== status) {
    if (Date.now() > deadline) throw new Error(`message ${uuid} never reached ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  logLines = [];
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  logLines = [];
  sandbox.clear();
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('the test helper itself', () => {
  it('reproduces the worked example of the reference, as does the sandbox', () => {
    const params: Pair[] = [
      ['To', 'Y'],
      ['Status', 'delivered'],
      ['From', 'X'],
    ];
    const expected = 'https://otp.example.com/webhooks/plivo/status?FromXStatusdeliveredToY.12345nonce';
    const url = 'https://otp.example.com/webhooks/plivo/status';
    expect(referenceV3StringToSign(url, 'POST', params, '12345nonce')).toBe(expected);
    expect(signatureV3Payload(url, 'POST', params, '12345nonce')).toBe(expected);
  });
});

describe('delivery status callbacks (POST)', () => {
  it('sends queued, sent, delivered in order with Sequence 1..3 and the Plivo fields', async () => {
    const url = `${receiver.base}/webhooks/plivo/status`;
    const uuid = await sendVia(sandbox, { url });
    const callbacks = await receiver.waitFor(3);

    expect(callbacks.map((callback) => callback.fields.Status)).toEqual(['queued', 'sent', 'delivered']);
    expect(callbacks.map((callback) => callback.fields.Sequence)).toEqual(['1', '2', '3']);
    for (const callback of callbacks) {
      expect(callback.method).toBe('POST');
      expect(callback.url).toBe(url);
      expect(header(callback, 'content-type')).toMatch(/^application\/x-www-form-urlencoded/);
      expect(callback.fields).toMatchObject({
        MessageUUID: uuid,
        ParentMessageUUID: uuid,
        To: '15557654321',
        From: '15550001111',
        Units: '1',
        PartInfo: '1 of 1',
      });
      expect(callback.fields.TotalRate).toMatch(/^\d+\.\d+$/);
      expect(callback.fields.TotalAmount).toMatch(/^\d+\.\d+$/);
      expect(callback.fields.MCC).toMatch(/^\d{3}$/);
      expect(callback.fields.MNC).toMatch(/^\d{2,3}$/);
      expect(callback.fields.MessageTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/);
      expect(callback.fields).not.toHaveProperty('ErrorCode');
      expect(callback.fields).not.toHaveProperty('PowerpackUUID');
    }
    await receiver.waitFor(4, 150).then(
      () => expect.fail('a fourth callback arrived'),
      () => undefined,
    );
  });

  it('signs each callback with a V3 signature the reference algorithm reproduces', async () => {
    const url = `${receiver.base}/webhooks/plivo/status`;
    await sendVia(sandbox, { url, text: 'Spaces, +plus & ampersands = fine: 482913' });
    const callbacks = await receiver.waitFor(3);
    for (const callback of callbacks) await expectValidV3(callback, url);
    const nonces = callbacks.map((callback) => header(callback, 'x-plivo-signature-v3-nonce'));
    expect(new Set(nonces).size).toBe(3);
  });

  it('signs with the auth token: the same check with another token fails', async () => {
    const url = `${receiver.base}/status`;
    await sendVia(sandbox, { url });
    const [callback] = await receiver.waitFor(1);
    if (!callback) throw new Error('no callback');
    const nonce = header(callback, 'x-plivo-signature-v3-nonce');
    const payload = referenceV3StringToSign(url, 'POST', [...new URLSearchParams(callback.body)], nonce);
    expect(header(callback, 'x-plivo-signature-v3')).not.toBe(await hmacBase64('another-token', payload));
  });

  it('also sends a V2 signature over the URL and its own nonce', async () => {
    const url = `${receiver.base}/webhooks/plivo/status`;
    await sendVia(sandbox, { url });
    const [callback] = await receiver.waitFor(1);
    if (!callback) throw new Error('no callback');
    const nonce = header(callback, 'x-plivo-signature-v2-nonce');
    expect(header(callback, 'x-plivo-signature-v2')).toBe(await hmacBase64(AUTH_TOKEN, url + nonce));
  });

  it('signs a URL that has a query string: sorted query, then a dot, then the body', async () => {
    const url = `${receiver.base}/webhooks/plivo/status?tenant=acme&b=2&a=9&a=1`;
    await sendVia(sandbox, { url });
    const callbacks = await receiver.waitFor(3);
    for (const callback of callbacks) {
      expect(callback.url).toBe(url);
      await expectValidV3(callback, url);
      const nonce = header(callback, 'x-plivo-signature-v3-nonce');
      const payload = referenceV3StringToSign(url, 'POST', [...new URLSearchParams(callback.body)], nonce);
      expect(payload.startsWith(`${receiver.base}/webhooks/plivo/status?a=1&a=9&b=2&tenant=acme.`)).toBe(
        true,
      );
    }
    // V2 covers the URL without its query, as Plivo's own validator rebuilds it.
    const [first] = callbacks;
    if (!first) throw new Error('no callback');
    const v2Nonce = header(first, 'x-plivo-signature-v2-nonce');
    expect(header(first, 'x-plivo-signature-v2')).toBe(
      await hmacBase64(AUTH_TOKEN, `${receiver.base}/webhooks/plivo/status${v2Nonce}`),
    );
  });

  it('updates the stored status as callbacks go out', async () => {
    const uuid = await sendVia(sandbox, { url: `${receiver.base}/status` });
    await receiver.waitFor(3);
    await waitForStatus(sandbox, uuid, 'delivered');
    expect(sandbox.messages()[0]?.status).toBe('delivered');
  });

  it('spaces callbacks callbackDelayMs apart', async () => {
    const spaced = await startSandbox({ callbackDelayMs: 150 });
    try {
      await sendVia(spaced, { url: `${receiver.base}/status` });
      const callbacks = await receiver.waitFor(3);
      const [first, second, third] = callbacks.map((callback) => callback.at);
      expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(130);
      expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(130);
    } finally {
      await spaced.close();
    }
  });

  it('reports a Powerpack send with its PowerpackUUID and a pool number as From', async () => {
    const powerpackUuid = 'd35f2e82-d387-427f-8594-6fa07613c43a';
    await sendVia(sandbox, { src: undefined, powerpack_uuid: powerpackUuid, url: `${receiver.base}/status` });
    const [callback] = await receiver.waitFor(1);
    expect(callback?.fields.PowerpackUUID).toBe(powerpackUuid);
    expect(callback?.fields.From).toMatch(/^\d+$/);
    if (callback) await expectValidV3(callback, `${receiver.base}/status`);
  });
});

describe('delivery status callbacks (GET)', () => {
  it('puts the fields in the query, keeps the URL own query, and signs the merged sorted query', async () => {
    const url = `${receiver.base}/webhooks/plivo/status?tenant=acme`;
    const uuid = await sendVia(sandbox, { url, method: 'GET' });
    const callbacks = await receiver.waitFor(3);

    expect(callbacks.map((callback) => callback.fields.Status)).toEqual(['queued', 'sent', 'delivered']);
    expect(callbacks.map((callback) => callback.fields.Sequence)).toEqual(['1', '2', '3']);
    for (const callback of callbacks) {
      expect(callback.method).toBe('GET');
      expect(callback.body).toBe('');
      expect(new URL(callback.url).searchParams.get('tenant')).toBe('acme');
      expect(callback.fields.MessageUUID).toBe(uuid);
      await expectValidV3(callback, url);
    }
  });
});

describe('steering the outcome by destination', () => {
  it('fails a dst ending in 0000 with ErrorCode 450', async () => {
    const uuid = await sendVia(sandbox, { dst: '+15557650000', url: `${receiver.base}/status` });
    const callbacks = await receiver.waitFor(2);
    expect(callbacks.map((callback) => callback.fields.Status)).toEqual(['queued', 'failed']);
    expect(callbacks[0]?.fields).not.toHaveProperty('ErrorCode');
    expect(callbacks[1]?.fields).toMatchObject({ ErrorCode: '450', Sequence: '2', TotalAmount: '0.00000' });
    await waitForStatus(sandbox, uuid, 'failed');
  });

  it('leaves a dst ending in 0001 undelivered with ErrorCode 30', async () => {
    const uuid = await sendVia(sandbox, { dst: '15557650001', url: `${receiver.base}/status` });
    const callbacks = await receiver.waitFor(3);
    expect(callbacks.map((callback) => callback.fields.Status)).toEqual(['queued', 'sent', 'undelivered']);
    expect(callbacks[2]?.fields).toMatchObject({ ErrorCode: '30', Sequence: '3' });
    await waitForStatus(sandbox, uuid, 'undelivered');
  });

  it('advances the status of a message without url, sending no callback', async () => {
    const uuid = await sendVia(sandbox, {});
    await waitForStatus(sandbox, uuid, 'delivered');
    expect(receiver.received).toEqual([]);
  });
});

describe('callback failures', () => {
  it('logs a refused connection and carries on', async () => {
    const down = await startReceiver();
    const downUrl = `${down.base}/status`;
    await down.close();

    const uuid = await sendVia(sandbox, { url: downUrl });
    await waitForStatus(sandbox, uuid, 'delivered');
    const failures = () => logLines.filter((line) => line.includes(downUrl) && line.includes('failed'));
    await expect.poll(failures, { timeout: 5_000 }).toHaveLength(3);
    expect(failures().map((line) => line.split(' ')[2])).toEqual(['queued', 'sent', 'delivered']);
    expect((await fetch(`${sandbox.url}/__sandbox/messages`)).status).toBe(200);
  });

  it('logs a non-2xx answer and still sends the remaining callbacks', async () => {
    receiver.answerWith = 500;
    await sendVia(sandbox, { url: `${receiver.base}/status` });
    await receiver.waitFor(3);
    await expect
      .poll(() => logLines.filter((line) => line.includes('HTTP 500')), { timeout: 5_000 })
      .toHaveLength(3);
  });
});

describe('stopping callbacks', () => {
  it('sends no more callbacks once the sandbox is closed', async () => {
    const closing = await startSandbox({ callbackDelayMs: 300 });
    await sendVia(closing, { url: `${receiver.base}/status` });
    await receiver.waitFor(1);
    await closing.close();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.received).toHaveLength(1);
  });

  it('sends no more callbacks for messages cleared by clear()', async () => {
    const clearing = await startSandbox({ callbackDelayMs: 300 });
    try {
      await sendVia(clearing, { url: `${receiver.base}/status` });
      await receiver.waitFor(1);
      clearing.clear();
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await clearing.close();
    }
  });
});
