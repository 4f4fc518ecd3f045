import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePlivoXml } from '../../local/plivo-sandbox/plivo-xml.ts';
import { type PlivoSandbox, type SandboxCall, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';
import { hmacBase64, referenceV3StringToSign } from './support/plivo-v3-reference.ts';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from './support/webhook-receiver.ts';

const AUTH_ID = 'MACALLS0000000000001';
const AUTH_TOKEN = 'call-signing-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FROM = '+14155550100';
const TO = '+15557654321';
const CODE_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Speak voice="WOMAN" language="fr-FR" loop="2">Votre code est 4, 8, 2, 9, 1, 3.</Speak>\n  <Wait length="1"/>\n  <Hangup/>\n</Response>';

let sandbox: PlivoSandbox;
let receiver: WebhookReceiver;
let logLines: string[];

beforeAll(async () => {
  sandbox = await startPlivoSandbox({
    authId: AUTH_ID,
    authToken: AUTH_TOKEN,
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
    request.path.startsWith('/answer')
      ? { status: 200, contentType: 'application/xml', body: CODE_XML }
      : { status: 200 };
});
afterEach(async () => {
  await receiver.close();
});

function basicAuth(): string {
  return `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`;
}

async function makeCall(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Call/`, {
    method: 'POST',
    headers: { authorization: basicAuth(), 'content-type': 'application/json' },
    body: JSON.stringify({ from: FROM, to: TO, answer_url: `${receiver.base}/answer`, ...body }),
  });
}

async function callsTo(to?: string): Promise<SandboxCall[]> {
  const query = to === undefined ? '' : `?to=${encodeURIComponent(to)}`;
  return (await (await fetch(`${sandbox.url}/__sandbox/calls${query}`)).json()) as SandboxCall[];
}

async function settled(): Promise<SandboxCall> {
  let latest: SandboxCall | undefined;
  await expect
    .poll(
      async () => {
        [latest] = await callsTo();
        return latest?.status;
      },
      { timeout: 5_000 },
    )
    .toMatch(/^(completed|failed|busy|no-answer)$/);
  if (!latest) throw new Error('no call');
  return latest;
}

function header(request: ReceivedRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

async function expectValidV3(request: ReceivedRequest, configuredUrl: string): Promise<void> {
  const nonce = header(request, 'x-plivo-signature-v3-nonce');
  const payload =
    request.method === 'GET'
      ? referenceV3StringToSign(request.url, 'GET', [], nonce)
      : referenceV3StringToSign(configuredUrl, 'POST', [...new URLSearchParams(request.body)], nonce);
  expect(header(request, 'x-plivo-signature-v3')).toBe(await hmacBase64(AUTH_TOKEN, payload));
}

describe('Call API', () => {
  it('accepts a call with 201 and Plivo\'s body: api_id, "call fired", request_uuid', async () => {
    const response = await makeCall({});
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['api_id', 'message', 'request_uuid']);
    expect(body.message).toBe('call fired');
    expect(body.api_id).toMatch(UUID);
    expect(body.request_uuid).toMatch(UUID);
    expect((await settled()).requestUuid).toBe(body.request_uuid);
  });

  const refused: [string, Record<string, unknown>][] = [
    ['no answer_url', { answer_url: undefined }],
    ['an answer_url that is not http(s)', { answer_url: 'ftp://example.com/answer' }],
    ['no from', { from: undefined }],
    ['a to that is not a phone number', { to: 'sip:john@phone.plivo.com' }],
    ['several destinations', { to: '15557654321<15557654322' }],
    ['from equal to to', { from: TO }],
    ['an answer_method other than GET or POST', { answer_method: 'PUT' }],
    ['a hangup_url that is not a URL', { hangup_url: 'nope' }],
    ['a time_limit of 0', { time_limit: 0 }],
    ['a ring_timeout above 120', { ring_timeout: 121 }],
    ['an unknown machine_detection', { machine_detection: 'maybe' }],
    ['a machine_detection_time under 2000 ms', { machine_detection: 'hangup', machine_detection_time: 1999 }],
    [
      'a machine_detection_time over 10000 ms',
      { machine_detection: 'hangup', machine_detection_time: 10001 },
    ],
  ];
  it.each(refused)("refuses %s with Plivo's 400 JSON and places no call", async (_name, change) => {
    const response = await makeCall(change);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { api_id: string; error: string };
    expect(body.api_id).toMatch(UUID);
    expect(body.error).not.toBe('');
    expect(await callsTo()).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it("answers a missing answer_url in Plivo's words", async () => {
    const body = (await (await makeCall({ answer_url: undefined })).json()) as { error: string };
    expect(body.error).toBe('answer_url parameter is missing');
  });

  it('refuses wrong credentials with 401 and an unknown account with 404', async () => {
    const wrong = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Call/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${AUTH_ID}:wrong`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ from: FROM, to: TO, answer_url: `${receiver.base}/answer` }),
    });
    expect(wrong.status).toBe(401);
    const unknown = await fetch(`${sandbox.url}/v1/Account/MAOTHER/Call/`, {
      method: 'POST',
      headers: { authorization: basicAuth() },
    });
    expect(unknown.status).toBe(404);
    expect(await callsTo()).toEqual([]);
  });
});

describe('answering the call', () => {
  it("requests the answer URL with Plivo's fields, signed V3 as a reference implementation checks", async () => {
    const response = await makeCall({});
    const { request_uuid: requestUuid } = (await response.json()) as { request_uuid: string };
    const [answer] = await receiver.waitFor('/answer', 1);
    if (!answer) throw new Error('no answer request');
    expect(answer.method).toBe('POST');
    expect(header(answer, 'content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const call = await settled();
    expect(answer.fields).toEqual({
      CallUUID: call.uuid,
      RequestUUID: requestUuid,
      ALegUUID: call.uuid,
      ALegRequestUUID: requestUuid,
      From: '14155550100',
      To: '15557654321',
      CallStatus: 'in-progress',
      Direction: 'outbound',
      Event: 'StartApp',
    });
    await expectValidV3(answer, `${receiver.base}/answer`);
    const nonce = header(answer, 'x-plivo-signature-v3-nonce');
    const forged = referenceV3StringToSign(
      `${receiver.base}/answer`,
      'POST',
      [...new URLSearchParams(answer.body)],
      nonce,
    );
    expect(header(answer, 'x-plivo-signature-v3')).not.toBe(await hmacBase64('another-token', forged));
  });

  it('keeps an opaque token in the answer URL intact and signs its query too (GET puts the fields in the query)', async () => {
    const answerUrl = `${receiver.base}/answer/v/ab12?t=opaque%2Btoken%3D&lang=fr`;
    await makeCall({ answer_url: answerUrl, answer_method: 'GET' });
    const [answer] = await receiver.waitFor('/answer', 1);
    if (!answer) throw new Error('no answer request');
    expect(answer.method).toBe('GET');
    const url = new URL(answer.url);
    expect(url.pathname).toBe('/answer/v/ab12');
    expect(url.searchParams.get('t')).toBe('opaque+token=');
    expect(answer.fields.Event).toBe('StartApp');
    await expectValidV3(answer, answerUrl);
    expect((await settled()).answerUrl).toBe(answerUrl);
  });

  it('parses the XML and records what was spoken: each <Speak> text loop times, with its language and voice', async () => {
    await makeCall({});
    const call = await settled();
    expect(call).toMatchObject({
      from: FROM,
      to: TO,
      answerUrl: `${receiver.base}/answer`,
      status: 'completed',
      spokenText: 'Votre code est 4, 8, 2, 9, 1, 3. Votre code est 4, 8, 2, 9, 1, 3.',
      language: 'fr-FR',
      voice: 'WOMAN',
      error: null,
    });
    expect(call.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("speaks nothing after <Hangup>, applies Plivo's defaults and decodes entities", async () => {
    receiver.reply = () => ({
      status: 200,
      body: '<Response><Speak>Code &amp; more: 1&#44; 2</Speak><Hangup/><Speak>never heard</Speak></Response>',
    });
    await makeCall({});
    const call = await settled();
    expect(call.spokenText).toBe('Code & more: 1, 2');
    expect(call).toMatchObject({ language: 'en-US', voice: 'WOMAN', status: 'completed' });
  });

  it('requests hangup_url after the call, signed, with the final status and durations', async () => {
    await makeCall({ hangup_url: `${receiver.base}/hangup` });
    const [hangup] = await receiver.waitFor('/hangup', 1);
    if (!hangup) throw new Error('no hangup request');
    const call = await settled();
    expect(hangup.fields).toMatchObject({
      CallUUID: call.uuid,
      CallStatus: 'completed',
      Event: 'Hangup',
      HangupCause: 'NORMAL_CLEARING',
      Direction: 'outbound',
    });
    expect(Number(hangup.fields.Duration)).toBeGreaterThan(0);
    expect(hangup.fields.AnswerTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00$/);
    await expectValidV3(hangup, `${receiver.base}/hangup`);
    const order = receiver.received.map((request) => request.path);
    expect(order).toEqual(['/answer', '/hangup']);
  });

  it.each([
    ['<Response><Play>https://example.com/a.mp3</Play></Response>', /<Play> is not supported/],
    ['<Response><Speak>Code <break time="1s"/> 1 2</Speak></Response>', /SSML/],
    ['<Response><Speak voice="ROBOT">x</Speak></Response>', /WOMAN or MAN/],
    ['<Response><Speak>unclosed</Response>', /invalid XML/],
    ['{"speak": "json is not XML"}', /invalid XML/],
  ])('fails the call, with the reason, when the XML is %s', async (xml, reason) => {
    receiver.reply = (request) => (request.path === '/answer' ? { status: 200, body: xml } : { status: 200 });
    await makeCall({ hangup_url: `${receiver.base}/hangup` });
    const call = await settled();
    expect(call.status).toBe('failed');
    expect(call.spokenText).toBe('');
    expect(call.error).toMatch(reason);
    await receiver.waitFor('/hangup', 1);
  });

  it('fails the call when the answer URL answers an error status', async () => {
    receiver.reply = () => ({ status: 500 });
    await makeCall({});
    const call = await settled();
    expect(call).toMatchObject({ status: 'failed', error: 'answer URL answered HTTP 500' });
  });
});

describe('test numbers', () => {
  it.each([
    ['+15557650010', 'failed', 'UNALLOCATED_NUMBER'],
    ['+15557650011', 'busy', 'USER_BUSY'],
    ['15557650012', 'no-answer', 'NO_ANSWER'],
  ])('a call to %s ends %s without requesting the answer URL', async (to, status, cause) => {
    await makeCall({ to, hangup_url: `${receiver.base}/hangup` });
    const [hangup] = await receiver.waitFor('/hangup', 1);
    expect(hangup?.fields).toMatchObject({ CallStatus: status, HangupCause: cause, Duration: '0' });
    if (hangup) await expectValidV3(hangup, `${receiver.base}/hangup`);
    expect((await settled()).status).toBe(status);
    expect(receiver.received.filter((request) => request.path === '/answer')).toEqual([]);
  });

  describe('a call a voicemail answers (to ending 0013)', () => {
    const VOICEMAIL = '+15557650013';

    it('with machine_detection hangup: hung up before any XML, the hangup URL told Machine=true', async () => {
      await makeCall({
        to: VOICEMAIL,
        hangup_url: `${receiver.base}/hangup`,
        machine_detection: 'hangup',
        machine_detection_time: 3000,
      });
      const [hangup] = await receiver.waitFor('/hangup', 1);
      expect(hangup?.fields).toMatchObject({
        Machine: 'true',
        HangupCause: 'MACHINE_DETECTED',
        Duration: '3',
      });
      if (hangup) await expectValidV3(hangup, `${receiver.base}/hangup`);
      expect(await settled()).toMatchObject({
        status: 'completed',
        answeredBy: 'machine',
        machineDetection: 'hangup',
        spokenText: '',
      });
      expect(receiver.received.filter((request) => request.path === '/answer')).toEqual([]);
    });

    it('with machine_detection true: the answer URL is told Machine=true and decides', async () => {
      await makeCall({ to: VOICEMAIL, machine_detection: 'true' });
      const [answer] = await receiver.waitFor('/answer', 1);
      expect(answer?.fields).toMatchObject({ Machine: 'true', CallStatus: 'in-progress' });
      if (answer) await expectValidV3(answer, `${receiver.base}/answer`);
      expect(await settled()).toMatchObject({ answeredBy: 'machine', machineDetection: 'true' });
    });

    it('without machine detection: the XML is played into the voicemail, as to a person', async () => {
      await makeCall({ to: VOICEMAIL });
      const [answer] = await receiver.waitFor('/answer', 1);
      expect(answer?.fields.Machine).toBeUndefined();
      const call = await settled();
      expect(call).toMatchObject({ answeredBy: 'machine', machineDetection: null, status: 'completed' });
      expect(call.spokenText).toContain('4, 8, 2, 9, 1, 3');
    });

    it('a person answers any other number, detection or not, and is never told Machine', async () => {
      await makeCall({ machine_detection: 'hangup' });
      const [answer] = await receiver.waitFor('/answer', 1);
      expect(answer?.fields.Machine).toBeUndefined();
      expect(await settled()).toMatchObject({ answeredBy: 'human', machineDetection: 'hangup' });
    });
  });

  it("refuses a to ending 0020 with a 400 whose text names the number, as a provider's refusal may", async () => {
    const response = await makeCall({ to: '+15557650020' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      "to +15557650020 is not allowed by the account's geo permissions (sandbox test number)",
    );
    expect(await callsTo()).toEqual([]);
  });

  it.each(['+15557650000', '+15557650001'])(
    'answers a call to the SMS test number %s (its SMS fails, its phone rings: what a fallback to voice is for)',
    async (to) => {
      await makeCall({ to });
      await receiver.waitFor('/answer', 1);
      expect(await settled()).toMatchObject({ to, status: 'completed' });
    },
  );
});

describe('GET and DELETE /__sandbox/calls', () => {
  it('lists calls newest first and filters by to, with or without +', async () => {
    await makeCall({ to: '+447700900123' });
    await makeCall({ to: TO });
    await makeCall({ to: '+447700900123', from: '+14155550101' });
    const all = await callsTo();
    expect(all.map((call) => [call.to, call.from])).toEqual([
      ['+447700900123', '+14155550101'],
      [TO, FROM],
      ['+447700900123', FROM],
    ]);
    expect((await callsTo('447700900123')).map((call) => call.from)).toEqual(['+14155550101', FROM]);
    expect((await callsTo(TO)).map((call) => call.to)).toEqual([TO]);
    expect(await callsTo('+19999999999')).toEqual([]);
  });

  it('DELETE forgets calls and stops one still ringing', async () => {
    const slow = await startPlivoSandbox({
      authId: AUTH_ID,
      authToken: AUTH_TOKEN,
      callAnswerDelayMs: 300,
      log: () => {},
    });
    try {
      const response = await fetch(`${slow.url}/v1/Account/${AUTH_ID}/Call/`, {
        method: 'POST',
        headers: { authorization: basicAuth(), 'content-type': 'application/json' },
        body: JSON.stringify({ from: FROM, to: TO, answer_url: `${receiver.base}/answer` }),
      });
      expect(response.status).toBe(201);
      expect(slow.calls()).toHaveLength(1);
      expect((await fetch(`${slow.url}/__sandbox/calls`, { method: 'DELETE' })).status).toBe(204);
      expect(slow.calls()).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(receiver.received).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe('fault injection on calls', () => {
  async function armFault(query: string, plan: unknown): Promise<Response> {
    return fetch(`${sandbox.url}/__sandbox/faults${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(plan),
    });
  }

  it('fails exactly `count` calls with the armed status, Plivo-shaped, and leaves messages alone', async () => {
    expect((await armFault('?api=call', { status: 503, count: 2 })).status).toBe(200);
    const sms = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/json' },
      body: JSON.stringify({ src: FROM, dst: TO, text: 'hello' }),
    });
    expect(sms.status).toBe(202);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await makeCall({});
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/fault injection/);
    }
    expect(await callsTo()).toEqual([]);
    expect((await makeCall({})).status).toBe(201);
    const attempts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
      api: string;
      status: number;
    }[];
    expect(attempts.map(({ api, status }) => [api, status])).toEqual([
      ['call', 201],
      ['call', 503],
      ['call', 503],
      ['message', 202],
    ]);
  });

  it('a message fault (no api, as before) does not touch calls; GET shows each plan; DELETE without api disarms both', async () => {
    await armFault('', { status: 500, count: 5 });
    expect((await makeCall({})).status).toBe(201);
    await armFault('?api=call', { delayMs: 200, count: 3 });
    const messagePlan = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { fault: unknown };
    const callPlan = (await (await fetch(`${sandbox.url}/__sandbox/faults?api=call`)).json()) as {
      fault: unknown;
    };
    expect(messagePlan.fault).toEqual({ status: 500, delayMs: 0, remaining: 5, skip: 0 });
    expect(callPlan.fault).toEqual({ status: null, delayMs: 200, remaining: 3, skip: 0 });
    expect((await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    const after = (await (await fetch(`${sandbox.url}/__sandbox/faults?api=call`)).json()) as {
      fault: unknown;
    };
    expect(after.fault).toBeNull();
  });

  it('delays a call by delayMs, then places it (recorded as delayed)', async () => {
    await armFault('?api=call', { delayMs: 250 });
    const started = performance.now();
    expect((await makeCall({})).status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(230);
    const [attempt] = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
      outcome: string;
    }[];
    expect(attempt?.outcome).toBe('delayed');
  });

  it('refuses an unknown api with 400', async () => {
    expect((await armFault('?api=fax', { status: 500 })).status).toBe(400);
  });
});

describe('the Plivo XML reader', () => {
  it('refuses a DOCTYPE, so no entity can be declared or expanded', () => {
    const parsed = parsePlivoXml('<!DOCTYPE r [<!ENTITY x "boom">]><Response><Speak>&x;</Speak></Response>');
    expect(parsed.ok).toBe(false);
  });

  it('refuses a bare ampersand and an unknown entity', () => {
    expect(parsePlivoXml('<Response><Speak>a & b</Speak></Response>').ok).toBe(false);
    expect(parsePlivoXml('<Response><Speak>&nbsp;</Speak></Response>').ok).toBe(false);
  });

  it('reads comments, single quotes and Wait lengths', () => {
    const parsed = parsePlivoXml(
      "<!-- hi --><Response><Wait length='2'/><Speak loop='0' voice='MAN'>x</Speak></Response>",
    );
    expect(parsed).toEqual({
      ok: true,
      instructions: [
        { kind: 'wait', lengthSeconds: 2 },
        { kind: 'speak', text: 'x', voice: 'MAN', language: 'en-US', loop: 0 },
      ],
    });
  });
});
