import { describe, expect, it } from 'vitest';
import { callbacksFor, relayUrl, replay } from './support/callbacks.ts';
import { failingSmsNumber } from './support/numbers.ts';
import { sandboxMessages, startVerification, type TestApp, testApp, uniquePhone } from './support/stack.ts';
import { answerRequestOf, callTo, digitsOf, spoken } from './support/voice-calls.ts';

/**
 * An app's code call (docs/apps.md), through the real Plivo sandbox: the answer URL is a provider
 * callback that belongs to no app, and still speaks the verification's own app's name and code,
 * from the app's caller ID.
 */

const SHOP_KEY = 'shop-voice-key-0123456789abcdefgh';
const SHOP_CALLER_ID = '+14155550177';
const DEFAULT_CALLER_ID = '+14155550122';

function shopApp(): TestApp {
  return testApp({
    PLIVO_VOICE_SRC: DEFAULT_CALLER_ID,
    PUBLIC_BASE_URL: relayUrl,
    APPS: JSON.stringify([
      { id: 'shop', name: 'Shop Co', audience: 'shop-backend', otpLength: 7, voiceSrc: SHOP_CALLER_ID },
    ]),
    APP_API_KEYS: `shop:${SHOP_KEY}`,
  });
}
const shop = { authorization: `Bearer ${SHOP_KEY}` };

describe("apps: a code call is its app's", () => {
  it("`auto`: the call the service places by itself on a failed SMS is the app's, from a report of no app", async () => {
    const app = shopApp();
    const phone = failingSmsNumber();
    const verificationId = await startVerification(app, phone, shop, { channel: 'auto' });
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toContain('Shop Co');
    const [, failed] = await callbacksFor(sms?.uuid ?? '', 2);
    if (!failed) throw new Error('no failed report');
    expect((await replay(app, failed)).status).toBe(200);

    const call = await callTo(phone);
    expect(call.from).toBe(SHOP_CALLER_ID);
    const text = await spoken(await replay(app, await answerRequestOf(call)));
    expect(text).toMatch(/^Your Shop Co code is \d(, \d){6}\./);
    const code = digitsOf(text).slice(0, 7);
    expect((await app.post('/otp/verify', { verificationId, code }, shop)).status).toBe(200);
  });

  it("calls from the app's caller ID and speaks its name and code length; verify takes the code", async () => {
    const app = shopApp();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, shop, { channel: 'voice' });
    const call = await callTo(phone);
    expect(call.from).toBe(SHOP_CALLER_ID);

    const text = await spoken(await replay(app, await answerRequestOf(call)));
    const match = /^Your Shop Co code is (\d(?:, \d){6})\. Your Shop Co code is \1\.$/.exec(text);
    expect(match, text).not.toBeNull();
    const code = digitsOf(match?.[1] ?? '');
    expect(code).toHaveLength(7);
    const verified = await app.post('/otp/verify', { verificationId, code }, shop);
    expect(verified.status).toBe(200);
  });
});
