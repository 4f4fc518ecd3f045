import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioSandbox, type TwilioSandbox } from '../../local/twilio-sandbox/server.ts';
import { ACCOUNT_SID, AUTH_TOKEN, create, SENDER } from './support/twilio-client.ts';

// The inbox page a developer keeps open: what it shows, and the Content-Security-Policy that keeps
// untrusted text (message bodies, spoken words) from ever running as script.

let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    callbackDelayMs: 5,
    callAnswerDelayMs: 0,
    log: () => {},
  });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clear();
});

async function inbox(): Promise<{ response: Response; html: string }> {
  const response = await fetch(`${sandbox.url}/`);
  return { response, html: await response.text() };
}

function send(body: string, to = '+15557654321'): Promise<Response> {
  return create(sandbox.url, 'Messages', { To: to, From: SENDER, Body: body });
}

describe('inbox page', () => {
  it('serves HTML under a nonce-based CSP, with its inline style and script carrying that nonce', async () => {
    const { response, html } = await inbox();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const again = await fetch(`${sandbox.url}/`);
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });

  it('shows a clear empty state, then each message newest first with its code marked', async () => {
    expect((await inbox()).html).toContain('Nothing yet');
    await send('older message', '+447700900123');
    await send('Your code is 482913');
    const { html } = await inbox();
    expect(html).not.toContain('Nothing yet');
    expect(html.indexOf('Your code is')).toBeLessThan(html.indexOf('older message'));
    expect(html).toContain('Your code is <mark class="code">482913</mark>');
    expect(html).toContain('+447700900123');
    expect(html).toContain(SENDER);
    expect(html).toMatch(/<title>Inbox \(2\) · Twilio sandbox<\/title>/);
  });

  it('escapes a message body, so markup in an SMS stays text', async () => {
    await send('<script>alert(1)</script><img src=x onerror=alert(2)>');
    const { html } = await inbox();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain('<img src=x');
  });

  it('shows a call with the words it said and its final status', async () => {
    await create(sandbox.url, 'Calls', {
      To: '+15557654321',
      From: SENDER,
      Twiml: '<Response><Say>Your code is 482913. &lt;b&gt;</Say></Response>',
    });
    await expect.poll(() => sandbox.calls()[0]?.status).toBe('completed');
    const { html } = await inbox();
    expect(html).toContain('<h2>Calls</h2>');
    expect(html).toContain('Your code is <mark class="code">482913</mark>. &lt;b&gt;');
    expect(html).toContain('class="status status-completed"');
  });

  it('lists the scripted numbers, the geo-refused prefixes and the sandbox API in its footer', async () => {
    const { html } = await inbox();
    for (const text of [
      '0000',
      '0001',
      '0002',
      '0003',
      '0010',
      '0011',
      '0012',
      '0013',
      '+882',
      '/__sandbox/faults',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('answers HEAD and refuses other methods', async () => {
    expect((await fetch(`${sandbox.url}/`, { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(`${sandbox.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
