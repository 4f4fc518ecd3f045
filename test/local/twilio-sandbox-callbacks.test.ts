import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioSandbox, type TwilioSandbox } from '../../local/twilio-sandbox/server.ts';
import { signaturePayload, twilioSignature } from '../../local/twilio-sandbox/signature.ts';
import { ACCOUNT_SID, AUTH_TOKEN, create, MESSAGING_SERVICE_SID, SENDER } from './support/twilio-client.ts';
import {
  type Field,
  referenceSignature,
  referenceStringToSign,
} from './support/twilio-signature-reference.ts';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/webhook-receiver.ts';

// Status callbacks as a receiver sees them: which arrive, in which order, with which fields, and
// whether X-Twilio-Signature verifies with an implementation of the documented algorithm that shares
// no code with the sandbox.

let sandbox: TwilioSandbox;
let receiver: WebhookReceiver;
let logLines: string[];

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    messagingServiceSids: [MESSAGING_SERVICE_SID],
    callbackDelayMs: 5,
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  logLines = [];
  sandbox.clear();
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

async function send(to: string, fields: Record<string, string> = {}): Promise<string> {
  const response = await create(sandbox.url, 'Messages', {
    To: to,
    From: SENDER,
    Body: 'Your code is 482913',
    StatusCallback: `${receiver.base}/status`,
    ...fields,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { sid: string }).sid;
}

function statuses(callbacks: ReceivedRequest[]): string[] {
  return callbacks.map((callback) => callback.fields.MessageStatus ?? '');
}

async function expectSignedByTwilio(callback: ReceivedRequest, configuredUrl: string): Promise<void> {
  const fields = [...new URLSearchParams(callback.body)] as Field[];
  expect(callback.headers['x-twilio-signature']).toBe(
    await referenceSignature(AUTH_TOKEN, configuredUrl, fields),
  );
}

describe('message status callbacks', () => {
  it('posts queued, sent, delivered in that order, form-encoded, with the documented fields', async () => {
    const sid = await send('+15557654321');
    const callbacks = await receiver.waitFor('/status', 3);
    expect(statuses(callbacks)).toEqual(['queued', 'sent', 'delivered']);
    for (const callback of callbacks) {
      expect(callback.method).toBe('POST');
      expect(callback.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(callback.fields).toMatchObject({
        AccountSid: ACCOUNT_SID,
        ApiVersion: '2010-04-01',
        From: SENDER,
        To: '+15557654321',
        MessageSid: sid,
        SmsSid: sid,
        SmsStatus: callback.fields.MessageStatus,
      });
      expect(callback.fields.ErrorCode).toBeUndefined();
    }
    expect(callbacks[2]?.fields.RawDlrDoneDate).toMatch(/^\d{10}$/);
    await expect.poll(() => sandbox.messages()[0]?.status).toBe('delivered');
  });

  const scripted: [string, string, string[], string | undefined][] = [
    ['0000 fails, never sent', '+15557650000', ['queued', 'failed'], '30008'],
    ['0001 is undelivered', '+15557650001', ['queued', 'sent', 'undelivered'], '30003'],
  ];
  it.each(scripted)(
    '%s, with ErrorCode on the final callback only',
    async (_name, to, expected, errorCode) => {
      await send(to);
      const callbacks = await receiver.waitFor('/status', expected.length);
      expect(statuses(callbacks)).toEqual(expected);
      expect(callbacks.map((callback) => callback.fields.ErrorCode)).toEqual([
        ...expected.slice(0, -1).map(() => undefined),
        errorCode,
      ]);
      await expect.poll(() => sandbox.messages()[0]?.status).toBe(expected.at(-1));
      expect(sandbox.messages()[0]?.errorCode).toBe(Number(errorCode));
    },
  );

  it('0002 is sent and then silent: no final callback, the message stays sent', async () => {
    const silent = await send('+15557650002');
    await receiver.waitFor('/status', 2);
    // A later message's whole lifecycle, with the same step delays, has time to finish first.
    await send('+15557654321');
    await receiver.waitFor('/status', 5);
    const forSilent = receiver.received.filter((callback) => callback.fields.MessageSid === silent);
    expect(statuses(forSilent)).toEqual(['queued', 'sent']);
    expect(sandbox.messages().find((message) => message.sid === silent)?.status).toBe('sent');
  });

  it('names the Messaging Service in each callback of a send through one', async () => {
    await send('+15557654321', { MessagingServiceSid: MESSAGING_SERVICE_SID });
    const callbacks = await receiver.waitFor('/status', 3);
    expect(callbacks.map((callback) => callback.fields.MessagingServiceSid)).toEqual(
      Array(3).fill(MESSAGING_SERVICE_SID),
    );
  });

  it('sends no callback when no StatusCallback was given, and still plays the lifecycle', async () => {
    await create(sandbox.url, 'Messages', { To: '+15557654321', From: SENDER, Body: 'x' });
    await expect.poll(() => sandbox.messages()[0]?.status).toBe('delivered');
    expect(receiver.received).toEqual([]);
  });

  it('keeps going when the receiver answers 500, without retrying, and logs it', async () => {
    receiver.reply = () => ({ status: 500 });
    await send('+15557654321');
    await receiver.waitFor('/status', 3);
    await expect.poll(() => sandbox.messages()[0]?.status).toBe('delivered');
    expect(receiver.received).toHaveLength(3);
    // The sandbox logs each answer after reading it, which may be after the receiver counted it.
    await expect.poll(() => logLines.filter((line) => line.includes('HTTP 500')).length).toBe(3);
  });
});

describe('X-Twilio-Signature', () => {
  it('verifies with an independent implementation of the documented algorithm, for every callback', async () => {
    await send('+15557650001');
    for (const callback of await receiver.waitFor('/status', 3)) {
      await expectSignedByTwilio(callback, `${receiver.base}/status`);
    }
  });

  it('signs the URL as configured, query included', async () => {
    const configured = `${receiver.base}/status?tenant=a%20b&n=1`;
    await send('+15557654321', { StatusCallback: configured });
    const [callback] = await receiver.waitFor('/status', 1);
    if (!callback) throw new Error('no callback');
    expect(new URL(callback.url).searchParams.get('tenant')).toBe('a b');
    await expectSignedByTwilio(callback, configured);
  });

  it('does not verify once a field, the URL or the key changes', async () => {
    await send('+15557654321');
    const [callback] = await receiver.waitFor('/status', 1);
    if (!callback) throw new Error('no callback');
    const signature = callback.headers['x-twilio-signature'];
    const fields = [...new URLSearchParams(callback.body)] as Field[];
    const url = `${receiver.base}/status`;
    const tampered = fields.map(
      ([name, value]): Field => [name, name === 'MessageStatus' ? 'delivered' : value],
    );
    expect(tampered).not.toEqual(fields);
    expect(signature).not.toBe(await referenceSignature(AUTH_TOKEN, url, tampered));
    expect(signature).not.toBe(await referenceSignature(AUTH_TOKEN, `${url}?x=1`, fields));
    expect(signature).not.toBe(await referenceSignature(AUTH_TOKEN, url, [...fields, ['Extra', '1']]));
    expect(signature).not.toBe(await referenceSignature('another-token', url, fields));
  });

  it("the sandbox's signer agrees with the reference on sorting, repeated names and empty values", async () => {
    const url = 'https://example.com/hook?b=2&a=1';
    const fields: Field[] = [
      ['To', '+1555'],
      ['Body', ''],
      ['AccountSid', 'AC1'],
      ['a', 'lower'],
      ['Z', 'upper'],
    ];
    expect(signaturePayload(url, fields)).toBe(referenceStringToSign(url, fields));
    expect(twilioSignature(AUTH_TOKEN, url, fields)).toBe(await referenceSignature(AUTH_TOKEN, url, fields));
    // Written out by hand: the URL, then each name and value, names sorted, no separators.
    expect(
      signaturePayload('https://example.com/myapp', [
        ['Digits', '1234'],
        ['CallSid', 'CA1'],
      ]),
    ).toBe('https://example.com/myappCallSidCA1Digits1234');
  });
});
