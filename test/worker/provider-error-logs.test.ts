import { describe, expect, it } from 'vitest';
import { maskPhone } from '../../src/phone/mask-phone.ts';
import { relayUrl } from './support/callbacks.ts';
import { captureLogs } from './support/logs.ts';
import { type TestApp, testApp } from './support/stack.ts';

/**
 * Plivo's refusals describe the parameters they refused, so they may echo the number: the Plivo
 * sandbox refuses a `dst` or `to` ending in 0020 with an error text naming it. That text reaches
 * the request's log line for operators, every phone number in it masked.
 */

/** A US number ending in the sandbox's refused suffix, fresh per call. */
function refusedNumber(): string {
  const exchange = 200 + Math.floor(Math.random() * 700);
  return `+1415${exchange === 555 ? 556 : exchange}0020`;
}

async function requestLogged(app: TestApp, phone: string, channel: 'sms' | 'voice' | 'whatsapp') {
  const { result, lines } = await captureLogs(() => app.post('/otp/request', { phone, channel }));
  const logged = lines.join('\n');
  return { status: result.status, logged };
}

describe("a provider's error text that names the number", () => {
  it.each([
    ['an SMS', 'sms', {}],
    [
      'a WhatsApp message',
      'whatsapp',
      { PLIVO_WHATSAPP_SRC: '+14155550123', PLIVO_WHATSAPP_TEMPLATE: 'otp_login' },
    ],
    ['a call', 'voice', { PLIVO_VOICE_SRC: '+14155550122', PUBLIC_BASE_URL: relayUrl }],
  ] as const)('reaches the log with the number masked, for %s', async (_kind, channel, settings) => {
    const phone = refusedNumber();
    const { status, logged } = await requestLogged(testApp(settings), phone, channel);
    expect(status).toBe(502);
    // The refusal is in the log, so the operator learns why...
    expect(logged).toContain("is not allowed by the account's geo permissions");
    expect(logged).toContain(maskPhone(phone));
    // ...and nowhere the number itself, with or without its +.
    expect(logged).not.toContain(phone.slice(1));
  });
});
