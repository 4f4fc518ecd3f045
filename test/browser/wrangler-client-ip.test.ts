import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, startDevStack } from './support/dev-stack.ts';

/**
 * What `CF-Connecting-IP` the Worker sees under `wrangler dev`, told by a per-client send limit of
 * one: a second request from the same client is refused with scope `ip`. On Cloudflare the edge
 * sets the header and overwrites a client's own; `wrangler dev` sets it from the socket only when a
 * request has none, and passes a client's own through. So locally every caller is 127.0.0.1 unless
 * it names another address, and the bench (bench/flows.ts) relies on naming one per flow.
 */

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ RATE_LIMIT_SEND_PER_IP: '1/1h' });
});
afterAll(async () => {
  await stack?.stop();
});

async function request(phone: string, clientIp?: string): Promise<string> {
  const response = await fetch(`${stack.workerUrl}/otp/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(clientIp ? { 'cf-connecting-ip': clientIp } : {}) },
    body: JSON.stringify({ phone }),
  });
  const body = (await response.json()) as { error?: { scope?: string } };
  return response.status === 200 ? 'sent' : `${response.status} ${body.error?.scope ?? ''}`;
}

describe('CF-Connecting-IP under wrangler dev', () => {
  it('is the socket address (127.0.0.1) when the request has none', async () => {
    expect(await request('+13105550100')).toBe('sent');
    // The same client as a request naming 127.0.0.1 (not the app's fallback for a missing header).
    expect(await request('+16175550100', '0.0.0.0')).toBe('sent');
    expect(await request('+12065550100', '127.0.0.1')).toBe('429 ip');
  });

  it("is a client's own header, passed through unchanged (Cloudflare would overwrite it)", async () => {
    expect(await request('+14155552671', '203.0.113.1')).toBe('sent');
    expect(await request('+12125550100', '203.0.113.2')).toBe('sent');
    expect(await request('+13125550100', '203.0.113.1')).toBe('429 ip');
  });
});
