import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTurnstileStandIn, type TurnstileStandIn } from '../../local/stand-ins/turnstile-siteverify.ts';
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';

const PASSES = '1x0000000000000000000000000000000AA';
const FAILS = '2x0000000000000000000000000000000AA';
const SPENT = '3x0000000000000000000000000000000AA';

let standIn: TurnstileStandIn;
beforeAll(async () => {
  standIn = await startTurnstileStandIn();
});
afterAll(async () => {
  await standIn.close();
});

async function siteverify(fields: Record<string, string>, form = false) {
  const response = await fetch(standIn.url, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const token = () => `${randomUUID()}.DUMMY.TOKEN.XXXX`;

describe('Turnstile siteverify stand-in (Cloudflare dummy secrets)', () => {
  it('the always-pass secret passes a dummy token with the otp-request action, JSON or form-encoded', async () => {
    for (const form of [false, true]) {
      const { status, body } = await siteverify({ secret: PASSES, response: token() }, form);
      expect(status).toBe(200);
      expect(body).toEqual({
        success: true,
        'error-codes': [],
        challenge_ts: expect.any(String),
        hostname: 'example.com',
        action: 'otp-request',
        cdata: '',
      });
    }
    expect((await siteverify({ secret: PASSES, response: 'wrong-action' })).body).toMatchObject({
      action: 'other',
    });
  });

  it('a solved token carries the hostname and action the test chose; no action is an empty one', async () => {
    const chosen = await siteverify({
      secret: PASSES,
      response: solvedToken({ hostname: 'app.example.net', action: 'signup' }),
    });
    expect(chosen.body).toMatchObject({ success: true, hostname: 'app.example.net', action: 'signup' });
    const bare = await siteverify({ secret: PASSES, response: solvedToken({}) });
    expect(bare.body).toMatchObject({ success: true, hostname: 'example.com', action: '' });
  });

  it('a token is redeemed once; a retry with the same idempotency key gets the first answer again', async () => {
    const once = token();
    const key = randomUUID();
    const first = await siteverify({ secret: PASSES, response: once, idempotency_key: key });
    expect(first.body.success).toBe(true);
    expect((await siteverify({ secret: PASSES, response: once, idempotency_key: key })).body).toEqual(
      first.body,
    );
    expect(
      (await siteverify({ secret: PASSES, response: once, idempotency_key: randomUUID() })).body,
    ).toMatchObject({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
    });
    expect((await siteverify({ secret: PASSES, response: once })).body).toMatchObject({ success: false });
    // The same idempotency key with another token is a client bug.
    expect(
      (await siteverify({ secret: PASSES, response: token(), idempotency_key: key })).body,
    ).toMatchObject({
      success: false,
      'error-codes': ['bad-request'],
    });
  });

  it.each([
    [{ secret: FAILS, response: 'XXXX.DUMMY.TOKEN.XXXX' }, 'invalid-input-response'],
    [{ secret: SPENT, response: 'XXXX.DUMMY.TOKEN.XXXX' }, 'timeout-or-duplicate'],
    [{ secret: 'not-a-test-secret', response: 'XXXX.DUMMY.TOKEN.XXXX' }, 'invalid-input-secret'],
    [{ response: 'XXXX.DUMMY.TOKEN.XXXX' }, 'missing-input-secret'],
    [{ secret: PASSES }, 'missing-input-response'],
    [{ secret: PASSES, response: 'x'.repeat(2049) }, 'invalid-input-response'],
  ])('%j fails with %s', async (fields, code) => {
    expect((await siteverify(fields)).body).toEqual({ success: false, 'error-codes': [code] });
  });

  it('answers only POST on the siteverify path', async () => {
    expect((await fetch(standIn.url)).status).toBe(405);
    expect((await fetch(standIn.url.replace('/siteverify', '/other'), { method: 'POST' })).status).toBe(404);
  });
});
