import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type PlivoSandbox,
  type SandboxMessage,
  startPlivoSandbox,
} from '../../local/plivo-sandbox/server.ts';
import { startWebhookReceiver } from './support/webhook-receiver.ts';

const AUTH_ID = 'MAWHATSAPP0000000001';
const AUTH_TOKEN = 'whatsapp-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WABA_NUMBER = '+14155550199';

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

/** An authentication template as the Worker will send it: the code in the body and in the copy-code button. */
function otpTemplate(code: string) {
  return {
    name: 'otp_login',
    language: 'en_US',
    components: [
      { type: 'body', parameters: [{ type: 'text', text: code }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] },
    ],
  };
}

const validWhatsApp = {
  type: 'whatsapp',
  src: WABA_NUMBER,
  dst: '+15557654321',
  template: otpTemplate('482913'),
};

async function send(body: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
}

async function listed(dst?: string): Promise<SandboxMessage[]> {
  const query = dst === undefined ? '' : `?dst=${encodeURIComponent(dst)}`;
  return (await (await fetch(`${sandbox.url}/__sandbox/messages${query}`)).json()) as SandboxMessage[];
}

describe('WhatsApp through the Message API', () => {
  it('accepts a template send with 202 and lists it with type whatsapp and its template', async () => {
    const response = await send(validWhatsApp);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { message: string; message_uuid: string[] };
    expect(body.message).toBe('message(s) queued');
    expect(body.message_uuid[0]).toMatch(UUID);

    const [message] = await listed('15557654321');
    expect(message).toMatchObject({
      uuid: body.message_uuid[0],
      type: 'whatsapp',
      src: WABA_NUMBER,
      dst: '+15557654321',
      text: null,
      template: {
        name: 'otp_login',
        language: 'en_US',
        components: [
          { type: 'body', subType: null, index: null, parameters: ['482913'] },
          { type: 'button', subType: 'url', index: '0', parameters: ['482913'] },
        ],
      },
    });
  });

  it('still lists SMS as type sms with no template', async () => {
    await send({ src: WABA_NUMBER, dst: '+15557654321', text: 'Your code is 111222' });
    expect((await listed())[0]).toMatchObject({ type: 'sms', text: 'Your code is 111222', template: null });
  });

  const refused: [string, Record<string, unknown>][] = [
    ['a whatsapp send without template', { ...validWhatsApp, template: undefined, text: 'Your code is 1' }],
    ['a template next to text', { ...validWhatsApp, text: 'Your code is 482913' }],
    ['an unknown type', { ...validWhatsApp, type: 'telegram' }],
    [
      'a template on an SMS',
      { src: WABA_NUMBER, dst: '+15557654321', text: 'hi', template: otpTemplate('1') },
    ],
    [
      'a Powerpack instead of the WhatsApp number',
      { ...validWhatsApp, src: undefined, powerpack_uuid: 'd35f2e82-d387-427f-8594-6fa07613c43a' },
    ],
    ['an alphanumeric sender', { ...validWhatsApp, src: 'OTPEdge' }],
    ['a dst that is not a phone number', { ...validWhatsApp, dst: 'someone' }],
    [
      'a template name with capitals',
      { ...validWhatsApp, template: { ...otpTemplate('1'), name: 'OTP Login' } },
    ],
    [
      'a template without language',
      { ...validWhatsApp, template: { ...otpTemplate('1'), language: undefined } },
    ],
    [
      'a component of unknown type',
      { ...validWhatsApp, template: { ...otpTemplate('1'), components: [{ type: 'carousel' }] } },
    ],
    [
      'a button without sub_type',
      {
        ...validWhatsApp,
        template: { ...otpTemplate('1'), components: [{ type: 'button', index: '0', parameters: [] }] },
      },
    ],
    [
      'a button without index',
      {
        ...validWhatsApp,
        template: { ...otpTemplate('1'), components: [{ type: 'button', sub_type: 'url', parameters: [] }] },
      },
    ],
    [
      'a parameter that is not text',
      {
        ...validWhatsApp,
        template: {
          ...otpTemplate('1'),
          components: [{ type: 'body', parameters: [{ type: 'currency', currency: {} }] }],
        },
      },
    ],
    ['an empty text parameter', { ...validWhatsApp, template: { ...otpTemplate(''), name: 'otp_login' } }],
    ['a template that is a string', { ...validWhatsApp, template: 'otp_login' }],
  ];
  it.each(refused)("refuses %s with Plivo's 400 JSON", async (_name, body) => {
    const response = await send(body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { api_id: string; error: string };
    expect(error.api_id).toMatch(UUID);
    expect(error.error).not.toBe('');
    expect(await listed()).toEqual([]);
  });

  it('names the missing template in its error', async () => {
    const response = await send({ ...validWhatsApp, template: undefined });
    expect(((await response.json()) as { error: string }).error).toMatch(/^template parameter is required/);
  });

  it('sends signed delivery callbacks ending in read, and a failing test number fails as for SMS', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await send({ ...validWhatsApp, url: `${receiver.base}/status` });
      const callbacks = await receiver.waitFor('/status', 4);
      expect(callbacks.map((callback) => callback.fields.Status)).toEqual([
        'queued',
        'sent',
        'delivered',
        'read',
      ]);
      expect(
        callbacks.every((callback) => typeof callback.headers['x-plivo-signature-v3'] === 'string'),
      ).toBe(true);
      await expect.poll(async () => (await listed())[0]?.status, { timeout: 5_000 }).toBe('read');

      await send({ ...validWhatsApp, dst: '+15557650000', url: `${receiver.base}/failing` });
      const failing = await receiver.waitFor('/failing', 2);
      expect(failing.map((callback) => callback.fields.Status)).toEqual(['queued', 'failed']);
    } finally {
      await receiver.close();
    }
  });
});
