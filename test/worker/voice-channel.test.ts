import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fieldsOf, type RelayedCallback, relayUrl, replay } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import { plivoUrl, redis, startVerification, type TestApp, testApp, uniquePhone } from './support/stack.ts';
import { answerRequestOf, callTo, digitsOf, type SandboxCall, spoken } from './support/voice-calls.ts';

/**
 * Voice through the real Plivo sandbox: it places the call and requests the answer URL, signed,
 * at PUBLIC_BASE_URL (the callback relay in tests); the test replays that very request into the
 * Worker and plays the XML with the sandbox's own parser, so the signature is the sandbox's.
 */

const VOICE_SRC = '+14155550122';
const TTL_MS = 300_000;

interface Clocked extends TestApp {
  at(ms: number): void;
}

function voiceApp(overrides: Record<string, string> = {}): Clocked {
  let now = Date.now();
  const app = testApp(
    { PLIVO_VOICE_SRC: VOICE_SRC, PUBLIC_BASE_URL: relayUrl, ...overrides },
    { clock: { nowMs: () => now } },
  );
  return Object.assign(app, {
    at(ms: number) {
      now = ms;
    },
  });
}

async function requestCall(
  app: TestApp,
  phone: string,
): Promise<{ verificationId: string; call: SandboxCall }> {
  const verificationId = await startVerification(app, phone, {}, { channel: 'voice' });
  return { verificationId, call: await callTo(phone) };
}

describe('channel voice', () => {
  it('speaks the code digit by digit, twice; no URL and no log line carries it; verify takes it; amr voice', async () => {
    const app = voiceApp();
    const phone = uniquePhone();
    const { result, lines } = await captureLogs(async () => {
      const placed = await requestCall(app, phone);
      const answer = await answerRequestOf(placed.call);
      return { ...placed, text: await spoken(await replay(app, answer)) };
    });
    const { verificationId, call, text } = result;
    expect(call).toMatchObject({ from: VOICE_SRC, answerMethod: 'POST' });
    expect(call.answerUrl.startsWith(`${relayUrl}/webhooks/plivo/voice/`)).toBe(true);

    const match = /^Your OTP Edge code is (\d(?:, \d){5})\. Your OTP Edge code is \1\.$/.exec(text);
    expect(match, text).not.toBeNull();
    const code = digitsOf(match?.[1] ?? '');
    expect(code).toHaveLength(6);
    // Plivo logs URLs: neither the code nor the verification id (a capability) is in the answer URL.
    // The token is ciphertext in base64url, whose letters and digits may spell six digits by chance
    // (about 0.3% of runs): so the rest of the URL is checked as text, the token as its bytes.
    const url = new URL(call.answerUrl);
    const token = url.pathname.split('/').pop() ?? '';
    expect(url.search).toBe('');
    expect(call.answerUrl.replace(token, '')).not.toContain(code);
    const tokenBytes = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    expect(tokenBytes.length).toBeGreaterThan(100);
    expect(tokenBytes).not.toContain(code);
    expect(tokenBytes).not.toContain(verificationId);
    expect(call.answerUrl).not.toContain(verificationId);
    for (const line of lines) expect(line).not.toContain(code);

    const status = await app.call(`/otp/verifications/${verificationId}`);
    expect(await status.json()).toMatchObject({ status: 'pending', channel: 'voice' });
    const verified = await app.post('/otp/verify', { verificationId, code });
    expect(verified.status).toBe(200);
    const { receipt } = (await verified.json()) as { receipt: string };
    const payload = (receipt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    expect((JSON.parse(atob(payload)) as { amr: string[] }).amr).toEqual(['voice']);
  });

  it('an answer URL speaks once: the same signed request replayed speaks nothing', async () => {
    const app = voiceApp();
    const phone = uniquePhone();
    const { call } = await requestCall(app, phone);
    const answer = await answerRequestOf(call);
    expect(digitsOf(await spoken(await replay(app, answer)))).toHaveLength(12);
    expect(await spoken(await replay(app, answer))).toBe('');
  });

  it('an answer URL past the code lifetime speaks nothing, and neither does one of a canceled verification', async () => {
    const app = voiceApp();
    const start = Date.now();
    app.at(start);
    const { call } = await requestCall(app, uniquePhone());
    const answer = await answerRequestOf(call);
    app.at(start + TTL_MS + 1);
    expect(await spoken(await replay(app, answer))).toBe('');

    app.at(start);
    const canceled = await requestCall(app, uniquePhone());
    const canceledAnswer = await answerRequestOf(canceled.call);
    const cancel = await app.call(`/otp/verifications/${canceled.verificationId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    expect(await spoken(await replay(app, canceledAnswer))).toBe('');
  });

  it('a bad signature is 403 and takes nothing: the genuine request still speaks afterwards', async () => {
    const app = voiceApp();
    const { call } = await requestCall(app, uniquePhone());
    const answer = await answerRequestOf(call);
    const forged = await replay(app, answer, {
      headers: { 'x-plivo-signature-v3': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(digitsOf(await spoken(await replay(app, answer)))).toHaveLength(12);
  });

  it("stores the single use under voice-answer:{tag}: the spoken code's HMAC and the CallUUID, no code in it", async () => {
    const app = voiceApp();
    const { call } = await requestCall(app, uniquePhone());
    const answer = await answerRequestOf(call);
    const text = await spoken(await replay(app, answer));
    const keys = (await redis(['KEYS', `${app.env.KEY_PREFIX as string}voice-answer:*`])) as string[];
    expect(keys).toHaveLength(1);
    const value = String(await redis(['GET', keys[0] ?? '']));
    expect(value).toMatch(/^[A-Za-z0-9_-]{43} [0-9a-f-]{36}$/);
    expect(value.split(' ')[0]).not.toContain(digitsOf(text).slice(0, 6));
  });

  it('asks Plivo for answering-machine detection (hangup): a voicemail is hung up on and hears no code', async () => {
    const app = voiceApp();
    // The sandbox's voicemail: a number ending 0013.
    const phone = `${uniquePhone().slice(0, -4)}0013`;
    const { verificationId, call } = await requestCall(app, phone);
    const placed = await settledCall(phone);
    expect(placed).toMatchObject({
      machineDetection: 'hangup',
      answeredBy: 'machine',
      status: 'completed',
      spokenText: '',
    });
    // Plivo never asked what to say, and the code is not spent: the user may ask for it another way.
    const relayed = (await (await fetch(`${relayUrl}/__relay/requests`)).json()) as { path: string }[];
    expect(relayed.map((request) => request.path)).not.toContain(new URL(call.answerUrl).pathname);
    const status = await app.call(`/otp/verifications/${verificationId}`, {
      headers: { 'cf-connecting-ip': '203.0.113.7' },
    });
    expect(await status.json()).toMatchObject({ status: 'pending', attemptsRemaining: 5 });
  });

  it('an answer request saying Machine=true speaks nothing and spends nothing: the person who answers later hears the code', async () => {
    const app = voiceApp();
    const phone = uniquePhone();
    const { call } = await requestCall(app, phone);
    // The same signed answer URL, asked for by a call a voicemail answers with machine_detection
    // `true` (Plivo then tells the answer URL Machine=true instead of hanging up).
    const voicemail = `${uniquePhone().slice(0, -4)}0013`;
    const bindings = env as unknown as Record<string, string>;
    const placed = await fetch(`${plivoUrl}/v1/Account/${bindings.PLIVO_AUTH_ID}/Call/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${bindings.PLIVO_AUTH_ID}:${bindings.PLIVO_AUTH_TOKEN}`)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        from: VOICE_SRC,
        to: voicemail,
        answer_url: call.answerUrl,
        machine_detection: 'true',
      }),
    });
    expect(placed.status).toBe(201);
    const answers = await waitForAnswers(new URL(call.answerUrl).pathname, 2);
    const toMachine = answers.find((answer) => fieldsOf(answer).get('Machine') === 'true');
    const toPerson = answers.find((answer) => fieldsOf(answer).get('Machine') === null);
    if (!toMachine || !toPerson) throw new Error('expected one answer request from each call');
    expect(await spoken(await replay(app, toMachine))).toBe('');
    expect(digitsOf(await spoken(await replay(app, toPerson)))).toMatch(/^\d{12}$/);
  });

  it('fixed lines get calls only with VOICE_TO_FIXED_LINES=on; premium rate never', async () => {
    const landline = '+33142685300';
    const off = voiceApp();
    const refused = await off.post('/otp/request', { phone: landline, channel: 'voice' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: 'unsupported_number' } });
    // The switch is for voice only: an SMS to a landline stays refused.
    const on = voiceApp({ VOICE_TO_FIXED_LINES: 'on' });
    expect((await on.post('/otp/request', { phone: landline, channel: 'sms' })).status).toBe(422);
    expect((await on.post('/otp/request', { phone: landline, channel: 'voice' })).status).toBe(200);
    const premium = await on.post('/otp/request', { phone: '+33899123456', channel: 'voice' });
    expect(premium.status).toBe(422);
  });

  it('without PLIVO_VOICE_SRC or PUBLIC_BASE_URL voice is 422 channel_unavailable and the answer route 404', async () => {
    // Without a public URL Plivo could not fetch what the call says.
    for (const app of [voiceApp({ PLIVO_VOICE_SRC: '' }), testApp({ PLIVO_VOICE_SRC: VOICE_SRC })]) {
      const response = await app.post('/otp/request', { phone: uniquePhone(), channel: 'voice' });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: 'channel_unavailable' } });
    }
    const answer = await voiceApp({ PLIVO_VOICE_SRC: '' }).call('/webhooks/plivo/voice/1/abc', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallUUID=x',
    });
    expect(answer.status).toBe(404);
  });
});

/** The sandbox's record of the newest call to `phone`, once it has ended. */
async function settledCall(phone: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [call] = (await (
      await fetch(`${plivoUrl}/__sandbox/calls?to=${encodeURIComponent(phone)}`)
    ).json()) as Record<string, unknown>[];
    if (call && !['queued', 'in-progress'].includes(String(call.status))) return call;
    if (Date.now() > deadline) throw new Error(`the call to ${phone} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `count` answer requests the sandbox sent to this answer URL path, as the relay recorded them. */
async function waitForAnswers(path: string, count: number): Promise<RelayedCallback[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = (await (await fetch(`${relayUrl}/__relay/requests`)).json()) as RelayedCallback[];
    const found = all.filter((request) => request.path === path);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`only ${found.length} answer requests for ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
