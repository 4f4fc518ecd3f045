import { describe, expect, it } from 'vitest';
import { captureLogs } from './support/logs.ts';
import { frenchMobile } from './support/numbers.ts';
import { latestCode, sandboxMessages, startVerification, testApp, uniquePhone } from './support/stack.ts';

/** WhatsApp through the real Plivo sandbox's Message API: an approved template carries the code. */

const WHATSAPP = { PLIVO_WHATSAPP_SRC: '+14155550111', PLIVO_WHATSAPP_TEMPLATE: 'otp_login' };

describe('channel whatsapp', () => {
  it('sends the code as the template body and copy-code button parameter, and the receipt says amr whatsapp', async () => {
    const app = testApp(WHATSAPP);
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, {}, { channel: 'whatsapp' });
    const [message] = await sandboxMessages(phone);
    expect(message).toMatchObject({ type: 'whatsapp', src: '+14155550111', text: null, log: false });
    const code = await latestCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    expect(message?.template).toEqual({
      name: 'otp_login',
      language: 'en_US',
      components: [
        { type: 'body', subType: null, index: null, parameters: [code] },
        { type: 'button', subType: 'url', index: '0', parameters: [code] },
      ],
    });

    const status = await app.call(`/otp/verifications/${verificationId}`);
    expect(await status.json()).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    const verified = await app.post('/otp/verify', { verificationId, code });
    expect(verified.status).toBe(200);
    const { receipt } = (await verified.json()) as { receipt: string };
    const claims = JSON.parse(atob((receipt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
      amr: string[];
    };
    expect(claims.amr).toEqual(['whatsapp']);
  });

  it("takes the template's language from the locale, as WhatsApp spells it", async () => {
    const app = testApp(WHATSAPP);
    const phone = frenchMobile();
    await startVerification(app, phone, {}, { channel: 'whatsapp', locale: 'pt-BR' });
    expect((await sandboxMessages(phone))[0]?.template?.language).toBe('pt_BR');
    const french = frenchMobile();
    await startVerification(app, french, {}, { channel: 'whatsapp' });
    expect((await sandboxMessages(french))[0]?.template?.language).toBe('fr');
  });

  it('logs no code', async () => {
    const app = testApp(WHATSAPP);
    const phone = uniquePhone();
    const { lines } = await captureLogs(() => startVerification(app, phone, {}, { channel: 'whatsapp' }));
    const code = await latestCode(phone);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(code);
  });

  it('without its settings the channel is 422 channel_unavailable, and nothing is stored or sent', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const response = await app.post('/otp/request', { phone, channel: 'whatsapp' });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: { code: 'channel_unavailable' },
    });
    expect(await sandboxMessages(phone)).toEqual([]);
    // No cooldown was taken: SMS still goes through at once.
    expect((await app.post('/otp/request', { phone })).status).toBe(200);
  });

  it('a transaction is named only in an SMS: with whatsapp it is 400 naming channel', async () => {
    const app = testApp(WHATSAPP);
    const response = await app.post('/otp/request', {
      phone: uniquePhone(),
      channel: 'whatsapp',
      transaction: { amount: '10.00', currency: 'EUR', payee: 'ACME Ltd' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'invalid_request',
        issues: [{ field: 'channel', problem: 'must be sms when a transaction is bound' }],
      },
    });
  });
});
