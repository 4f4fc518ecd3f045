import { describe, expect, it } from 'vitest';
import { type CodeProvider, staticRoutePlan } from '../../../src/otp/code-provider.ts';
import { createRoutedDelivery } from '../../../src/otp/deliver-along-route.ts';
import type { CodeDispatch, DeliveryResult } from '../../../src/otp/ports.ts';
import type { ProviderId } from '../../../src/otp/provider-id.ts';

/**
 * The failover rule alone, with providers that answer as told (the real adapters are exercised
 * against the sandboxes in test/worker/twilio-provider.test.ts).
 */
function provider(id: ProviderId, answer: DeliveryResult, sent: string[], offers = true): CodeProvider {
  return {
    id,
    offers: () => offers,
    async deliver(dispatch) {
      sent.push(`${id}:${dispatch.channel === 'sms' ? dispatch.text : ''}`);
      return answer;
    },
  };
}

const ROUTES = {
  sms: { fallback: ['plivo', 'twilio'] as ProviderId[], byCountry: new Map() },
  voice: { fallback: ['plivo'] as ProviderId[], byCountry: new Map() },
  whatsapp: { fallback: ['plivo'] as ProviderId[], byCountry: new Map() },
};
const SMS: CodeDispatch = { channel: 'sms', to: '+14155550123', text: 'code 123456', ttlSeconds: 300 };
const log = { detail: () => {} };

describe('delivery along a route', () => {
  it('a provider that timed out, then one that refused for good: the answer stays uncertain (the code may be on its way)', async () => {
    const sent: string[] = [];
    const delivery = createRoutedDelivery(
      [
        provider('plivo', { kind: 'uncertain', reason: 'timeout' }, sent),
        provider('twilio', { kind: 'rejected', status: 400, retryElsewhere: false }, sent),
      ],
      staticRoutePlan(ROUTES),
      log,
    );
    const routed = await delivery.deliver(SMS, 'US');
    expect(routed.result).toEqual({ kind: 'uncertain', reason: 'timeout' });
    expect(routed.provider).toBe('twilio');
    expect(sent).toEqual(['plivo:code 123456', 'twilio:code 123456']);
  });

  it('a refusal of the message itself ends the route', async () => {
    const sent: string[] = [];
    const delivery = createRoutedDelivery(
      [
        provider('plivo', { kind: 'rejected', status: 400, retryElsewhere: false }, sent),
        provider('twilio', { kind: 'accepted', messageId: undefined }, sent),
      ],
      staticRoutePlan(ROUTES),
      log,
    );
    const routed = await delivery.deliver(SMS, 'US');
    expect(routed.result).toEqual({ kind: 'rejected', status: 400, retryElsewhere: false });
    expect(sent).toEqual(['plivo:code 123456']);
  });

  it('a provider without the channel is passed over, and one that accepts ends the route', async () => {
    const sent: string[] = [];
    const delivery = createRoutedDelivery(
      [
        provider('plivo', { kind: 'accepted', messageId: 'x' }, sent, false),
        provider('twilio', { kind: 'accepted', messageId: 'SM1' }, sent),
      ],
      staticRoutePlan(ROUTES),
      log,
    );
    const routed = await delivery.deliver(SMS, 'US');
    expect(routed).toMatchObject({ provider: 'twilio', result: { kind: 'accepted', messageId: 'SM1' } });
    expect(routed.attempts).toHaveLength(1);
  });
});
