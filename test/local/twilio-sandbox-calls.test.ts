import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type SandboxCall,
  startTwilioSandbox,
  type TwilioSandbox,
} from '../../local/twilio-sandbox/server.ts';
import { parseTwiml } from '../../local/twilio-sandbox/twiml.ts';
import {
  ACCOUNT_SID,
  API_KEY,
  AUTH_TOKEN,
  basicAuth,
  create,
  SENDER,
  type TwilioErrorBody,
} from './support/twilio-client.ts';
import { type Field, referenceSignature } from './support/twilio-signature-reference.ts';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/webhook-receiver.ts';

// The Calls API and what a call does afterwards: the TwiML request (signed), the words of its
// <Say> verbs, answering machine detection, the status callbacks, and each scripted outcome.

const TO = '+15557654321';
const CODE_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Say voice="Polly.Celine" language="fr-FR" loop="2">Votre code est <say-as interpret-as="digits">482913</say-as>.</Say>\n  <Pause length="1"/>\n  <Hangup/>\n  <Say>never said</Say>\n</Response>';

let sandbox: TwilioSandbox;
let receiver: WebhookReceiver;
let logLines: string[];

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiKeys: [API_KEY],
    senders: [SENDER],
    callbackDelayMs: 5,
    callAnswerDelayMs: 0,
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
  receiver.reply = (request) =>
    request.path.startsWith('/voice')
      ? { status: 200, contentType: 'text/xml', body: CODE_TWIML }
      : { status: 200 };
});
afterEach(async () => {
  await receiver.close();
});

function placeCall(
  fields: Record<string, string | string[] | undefined> = {},
  options = {},
): Promise<Response> {
  return create(
    sandbox.url,
    'Calls',
    { To: TO, From: SENDER, Url: `${receiver.base}/voice`, ...fields },
    options,
  );
}

async function settled(): Promise<SandboxCall> {
  let latest: SandboxCall | undefined;
  await expect
    .poll(() => {
      [latest] = sandbox.calls();
      return latest?.status;
    })
    .toMatch(/^(completed|failed|busy|no-answer)$/);
  if (!latest) throw new Error('no call');
  return latest;
}

async function expectSignedByTwilio(request: ReceivedRequest, configuredUrl: string): Promise<void> {
  const postFields = request.method === 'POST' ? ([...new URLSearchParams(request.body)] as Field[]) : [];
  // A GET carries its parameters in the URL, which is what gets signed.
  const signedUrl = request.method === 'POST' ? configuredUrl : request.url;
  expect(request.headers['x-twilio-signature']).toBe(
    await referenceSignature(AUTH_TOKEN, signedUrl, postFields),
  );
}

describe('Calls API', () => {
  it('answers 201 with the Call resource, queued, CA sid of 34 characters', async () => {
    const response = await placeCall({}, { authorization: basicAuth(API_KEY.sid, API_KEY.secret) });
    expect(response.status).toBe(201);
    const call = (await response.json()) as Record<string, unknown>;
    expect(call).toMatchObject({
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      direction: 'outbound-api',
      from: SENDER,
      to: TO,
      to_formatted: '(555) 765-4321',
      status: 'queued',
      answered_by: null,
      duration: null,
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${call.sid}.json`);
    expect((await settled()).sid).toBe(call.sid);
  });

  const refused: [string, Record<string, string | string[] | undefined>, number][] = [
    ['no To', { To: undefined }, 21201],
    ['a To that is not a phone number', { To: 'sip:alice@example.com' }, 21217],
    ['no From', { From: undefined }, 21213],
    ['a From that is not a phone number', { From: 'OTPEDGE' }, 21212],
    ['a From that is not one of the account numbers', { From: '+14155550199' }, 21210],
    ['neither Url nor Twiml', { Url: undefined }, 21200],
    ['a Url that is not absolute', { Url: '/voice' }, 21200],
    ['a Method other than GET or POST', { Method: 'PUT' }, 21200],
    [
      'Twiml over 4000 characters',
      { Url: undefined, Twiml: `<Response><Say>${'a'.repeat(4000)}</Say></Response>` },
      21200,
    ],
    ['an unknown MachineDetection', { MachineDetection: 'Maybe' }, 21200],
    ['a Timeout above 600', { Timeout: '601' }, 21200],
    ['a StatusCallback that is not a URL', { StatusCallback: 'nope' }, 21609],
    [
      'an unknown StatusCallbackEvent',
      { StatusCallback: 'https://example.com/s', StatusCallbackEvent: 'hungup' },
      21626,
    ],
    ['a To the geo permissions refuse', { To: '+88316123456' }, 21215],
  ];
  it.each(refused)('refuses %s with 400 and code %i, placing no call', async (_name, fields, code) => {
    const response = await placeCall(fields);
    const body = (await response.json()) as TwilioErrorBody;
    expect([response.status, body.code, body.status]).toEqual([400, code, 400]);
    expect(body.more_info).toBe(`https://www.twilio.com/docs/errors/${code}`);
    expect(sandbox.calls()).toEqual([]);
    expect(receiver.received).toEqual([]);
  });
});

describe('the TwiML', () => {
  it('is requested with POST when answered, with the voice parameters, signed as the reference checks', async () => {
    const { sid } = (await (await placeCall()).json()) as { sid: string };
    const [request] = await receiver.waitFor('/voice', 1);
    if (!request) throw new Error('no TwiML request');
    expect(request.method).toBe('POST');
    expect(request.fields).toEqual({
      AccountSid: ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: sid,
      CallStatus: 'in-progress',
      Called: TO,
      Caller: SENDER,
      Direction: 'outbound-api',
      From: SENDER,
      To: TO,
    });
    await expectSignedByTwilio(request, `${receiver.base}/voice`);
  });

  it('is requested with GET when Method=GET, its parameters in the signed query', async () => {
    await placeCall({ Method: 'GET', Url: `${receiver.base}/voice?lang=fr` });
    const [request] = await receiver.waitFor('/voice', 1);
    if (!request) throw new Error('no TwiML request');
    expect(request.method).toBe('GET');
    expect(request.fields).toMatchObject({ lang: 'fr', CallStatus: 'in-progress', To: TO });
    await expectSignedByTwilio(request, `${receiver.base}/voice?lang=fr`);
  });

  it('records what <Say> says: each text loop times, SSML read for its words, nothing after <Hangup>', async () => {
    await placeCall();
    const call = await settled();
    expect(call).toMatchObject({
      status: 'completed',
      spokenText: 'Votre code est 482913. Votre code est 482913.',
      voice: 'Polly.Celine',
      language: 'fr-FR',
      errorCode: null,
      error: null,
    });
    expect(call.speech).toEqual([
      { text: 'Votre code est 482913.', voice: 'Polly.Celine', language: 'fr-FR', loop: 2 },
    ]);
    expect(call.duration).toBeGreaterThan(0);
  });

  it('plays Twiml given inline without requesting anything, with Twilio defaults (man, en-US)', async () => {
    await placeCall({ Url: undefined, Twiml: '<Response><Say>Your code is 4 8 2 9 1 3.</Say></Response>' });
    const call = await settled();
    expect(call).toMatchObject({
      url: null,
      spokenText: 'Your code is 4 8 2 9 1 3.',
      voice: 'man',
      language: 'en-US',
    });
    expect(receiver.received).toEqual([]);
  });

  it('ignores Twiml when Url is given too, as documented', async () => {
    await placeCall({ Twiml: '<Response><Say>inline</Say></Response>' });
    expect((await settled()).spokenText).not.toContain('inline');
    expect(receiver.received.filter((request) => request.path === '/voice')).toHaveLength(1);
  });

  const broken: [string, () => void, number | null][] = [
    ['a Url answering 500 (11200)', () => (receiver.reply = () => ({ status: 500 })), 11200],
    [
      'TwiML that is not XML (12100)',
      () => (receiver.reply = () => ({ status: 200, body: '<Response><Say>' })),
      12100,
    ],
    [
      'a root other than <Response> (12102)',
      () => (receiver.reply = () => ({ status: 200, body: '<Say>hi</Say>' })),
      12102,
    ],
    [
      'a verb the sandbox does not play',
      () => (receiver.reply = () => ({ status: 200, body: '<Response><Gather/></Response>' })),
      null,
    ],
  ];
  it.each(broken)(
    'ends the call completed with the error recorded for %s',
    async (_name, arrange, errorCode) => {
      arrange();
      await placeCall();
      const call = await settled();
      expect(call).toMatchObject({ status: 'completed', spokenText: '', errorCode });
      expect(call.error).toMatch(/\S/);
    },
  );

  it('marks an unreachable Url as 11200', async () => {
    await placeCall({ Url: 'http://127.0.0.1:1/voice' });
    expect(await settled()).toMatchObject({ status: 'completed', errorCode: 11200 });
  });

  it('parses <Pause> and <Hangup>, refuses unknown attributes and SSML outside the list', () => {
    expect(parseTwiml('<Response><Pause/><Pause length="3"/><Hangup/></Response>')).toEqual({
      ok: true,
      instructions: [
        { kind: 'pause', lengthSeconds: 1 },
        { kind: 'pause', lengthSeconds: 3 },
        { kind: 'hangup' },
      ],
    });
    expect(parseTwiml('<Response><Say speed="2">hi</Say></Response>').ok).toBe(false);
    expect(parseTwiml('<Response><Say><script>x</script></Say></Response>').ok).toBe(false);
    expect(parseTwiml('<Response><Pause length="0"/></Response>').ok).toBe(false);
    expect(parseTwiml('<!DOCTYPE x [<!ENTITY a "b">]><Response/>')).toMatchObject({
      ok: false,
      errorCode: 12100,
    });
    expect(
      parseTwiml(
        '<Response><Say>Code <sub alias="four eight">48</sub><break time="1s"/>two</Say></Response>',
      ),
    ).toMatchObject({
      instructions: [{ text: 'Code four eight two' }],
    });
  });
});

describe('status callbacks', () => {
  it('sends only completed when no StatusCallbackEvent is given', async () => {
    await placeCall({ StatusCallback: `${receiver.base}/status` });
    const [callback] = await receiver.waitFor('/status', 1);
    await settled();
    expect(receiver.received.filter((request) => request.path === '/status')).toHaveLength(1);
    expect(callback?.fields).toMatchObject({
      CallStatus: 'completed',
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
      CallDuration: expect.stringMatching(/^\d+$/),
    });
    expect(callback?.fields.Timestamp).toMatch(/ \+0000$/);
  });

  it('sends initiated, ringing, answered (in-progress) and completed in order, numbered, each signed', async () => {
    const url = `${receiver.base}/status`;
    await placeCall({
      StatusCallback: url,
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    const callbacks = await receiver.waitFor('/status', 4);
    expect(callbacks.map((callback) => [callback.fields.CallStatus, callback.fields.SequenceNumber])).toEqual(
      [
        ['initiated', '0'],
        ['ringing', '1'],
        ['in-progress', '2'],
        ['completed', '3'],
      ],
    );
    for (const callback of callbacks) await expectSignedByTwilio(callback, url);
  });

  it('reads space-separated events and StatusCallbackMethod=GET', async () => {
    await placeCall({
      StatusCallback: `${receiver.base}/status`,
      StatusCallbackEvent: 'ringing completed',
      StatusCallbackMethod: 'GET',
    });
    const callbacks = await receiver.waitFor('/status', 2);
    expect(callbacks.map((callback) => [callback.method, callback.fields.CallStatus])).toEqual([
      ['GET', 'ringing'],
      ['GET', 'completed'],
    ]);
    for (const callback of callbacks) await expectSignedByTwilio(callback, callback.url);
  });
});

describe('scripted outcomes and machine detection', () => {
  const unanswered: [string, string, string, string[]][] = [
    ['0010 fails', '+15557650010', 'failed', ['initiated', 'failed']],
    ['0011 is busy', '+15557650011', 'busy', ['initiated', 'busy']],
    ['0012 rings out', '+15557650012', 'no-answer', ['initiated', 'ringing', 'no-answer']],
  ];
  it.each(unanswered)('%s without requesting the TwiML', async (_name, to, status, callStatuses) => {
    await placeCall({
      To: to,
      StatusCallback: `${receiver.base}/status`,
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    const callbacks = await receiver.waitFor('/status', callStatuses.length);
    expect(callbacks.map((callback) => callback.fields.CallStatus)).toEqual(callStatuses);
    expect((await settled()).status).toBe(status);
    expect(callbacks.at(-1)?.fields.CallDuration).toBe('0');
    expect(receiver.received.filter((request) => request.path === '/voice')).toEqual([]);
  });

  const detection: [string, string, string | undefined, string | undefined][] = [
    ['a person, MachineDetection=Enable', TO, 'Enable', 'human'],
    ['a machine (0013), MachineDetection=Enable', '+15557650013', 'Enable', 'machine_start'],
    ['a machine (0013), DetectMessageEnd', '+15557650013', 'DetectMessageEnd', 'machine_end_beep'],
    ['a machine (0013), no detection asked', '+15557650013', undefined, undefined],
  ];
  it.each(detection)(
    'reports AnsweredBy for %s to the TwiML request, the callbacks and the resource',
    async (_name, to, mode, answeredBy) => {
      await placeCall({ To: to, MachineDetection: mode, StatusCallback: `${receiver.base}/status` });
      const [request] = await receiver.waitFor('/voice', 1);
      const [completed] = await receiver.waitFor('/status', 1);
      expect(request?.fields.AnsweredBy).toBe(answeredBy);
      expect(completed?.fields.AnsweredBy).toBe(answeredBy);
      expect((await settled()).answeredBy).toBe(answeredBy ?? null);
    },
  );

  it('answers an SMS test number (0000) with a person: a failed SMS falls back to a call that works', async () => {
    await placeCall({ To: '+15557650000' });
    expect(await settled()).toMatchObject({
      status: 'completed',
      spokenText: expect.stringContaining('482913'),
    });
  });

  it('lists calls for a number and forgets them on DELETE', async () => {
    await placeCall();
    await settled();
    const listed = (await (
      await fetch(`${sandbox.url}/__sandbox/calls?to=%2B15557654321`)
    ).json()) as SandboxCall[];
    expect(listed).toHaveLength(1);
    expect((await fetch(`${sandbox.url}/__sandbox/calls`, { method: 'DELETE' })).status).toBe(204);
    expect(sandbox.calls()).toEqual([]);
  });
});
