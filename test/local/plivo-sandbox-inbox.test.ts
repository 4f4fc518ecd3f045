import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlivoSandbox, startPlivoSandbox } from '../../local/plivo-sandbox/server.ts';

const AUTH_ID = 'MAINBOX0000000000001';
const AUTH_TOKEN = 'inbox-token';

let sandbox: PlivoSandbox;

beforeAll(async () => {
  sandbox = await startPlivoSandbox({
    authId: AUTH_ID,
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

async function send(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Message/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ src: '+15550001111', dst: '+15557654321', text: 'hello', ...body }),
  });
  expect(response.status).toBe(202);
}

async function inbox(): Promise<{ response: Response; html: string }> {
  const response = await fetch(`${sandbox.url}/`);
  return { response, html: await response.text() };
}

describe('inbox page', () => {
  it('serves HTML with a clear empty state', async () => {
    const { response, html } = await inbox();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('No messages yet — request a code and it will appear here.');
    expect(html).not.toContain('class="message"');
  });

  it('shows each message with its destination, sender, time, status and text, newest first', async () => {
    await send({ dst: '+447700900123', text: 'older message' });
    await send({ dst: '+15557654321', text: 'newer message' });
    const { html } = await inbox();

    expect(html.indexOf('newer message')).toBeGreaterThan(-1);
    expect(html.indexOf('newer message')).toBeLessThan(html.indexOf('older message'));
    expect(html).toContain('+447700900123');
    expect(html).toContain('+15550001111');
    expect(html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+Z"/);
    expect(html).toMatch(/class="status status-(queued|sent|delivered)"/);
    expect(html).not.toContain('No messages yet');
  });

  it('shows the latest status', async () => {
    await send({ text: 'watch me' });
    await expect.poll(() => sandbox.messages()[0]?.status, { timeout: 5_000 }).toBe('delivered');
    expect((await inbox()).html).toContain('class="status status-delivered">delivered<');
  });

  it('makes the code easy to spot', async () => {
    await send({ text: 'Your otp-edge code is 482913. It expires in 5 minutes.' });
    expect((await inbox()).html).toContain(
      'Your otp-edge code is <mark class="code">482913</mark>. It expires',
    );
  });

  it('escapes message text, so a <script> in an SMS stays text', async () => {
    await send({ text: `<script>alert("pwned")</script> & 'quoted' 123456` });
    const { html } = await inbox();
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; <mark class="code">123456</mark>',
    );
    expect(html).not.toContain('<script>alert');
  });

  it('escapes the callback URL, which is untrusted too', async () => {
    await send({ url: 'http://127.0.0.1:9/"><img src=x onerror=alert(1)>' });
    const { html } = await inbox();
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refreshes by itself, polling /__sandbox/messages every 2 s with a script that compiles', async () => {
    const { html } = await inbox();
    const scripts = [...html.matchAll(/<script nonce="[^"]+">([\s\S]*?)<\/script>/g)].map(
      (match) => match[1] ?? '',
    );
    expect(scripts).toHaveLength(1);
    const [script = ''] = scripts;
    expect(script).toContain("fetch('/__sandbox/messages'");
    expect(script).toContain('setInterval(poll, 2000)');
    expect(() => new Function(script)).not.toThrow();
  });

  it('makes no external requests and locks itself down with a nonce CSP', async () => {
    await send({ text: 'see https://example.com/login for details' });
    const { response, html } = await inbox();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    // A fresh nonce per response: a nonce seen once is no key to later pages.
    const again = (await inbox()).response.headers.get('content-security-policy');
    expect(again).not.toBe(csp);
  });

  it('documents the magic destination numbers in its footer', async () => {
    const { html } = await inbox();
    const footer = /<footer>([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '';
    expect(footer).toMatch(/0000<\/code> fails[\s\S]*ErrorCode 450/);
    expect(footer).toMatch(/0001<\/code> is undelivered[\s\S]*ErrorCode 30/);
  });

  it('shows a WhatsApp message as a template bubble with its values, escaped', async () => {
    const hostile = '<img src=x onerror=alert(1)> 654321';
    await send({
      type: 'whatsapp',
      text: undefined,
      template: {
        name: 'otp_login',
        language: 'en_US',
        components: [
          { type: 'body', parameters: [{ type: 'text', text: hostile }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '654321' }] },
        ],
      },
    });
    const { html } = await inbox();
    expect(html).toContain('class="bubble whatsapp"');
    expect(html).toContain('WhatsApp template <strong>otp_login</strong> (en_US)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; <mark class="code">654321</mark>');
    expect(html).toContain('button 0 (url)');
    expect(html).not.toContain('<img');
  });

  it('shows calls with what was spoken, escaping the spoken text and the answer URL', async () => {
    const answer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(
        '<Response><Speak>&lt;script&gt;alert(1)&lt;/script&gt; Your code is 4 8 2 9 1 3</Speak></Response>',
      );
    });
    await new Promise<void>((resolve) => answer.listen(0, '127.0.0.1', resolve));
    const answerUrl = `http://127.0.0.1:${(answer.address() as AddressInfo).port}/answer?x="><svg onload=alert(1)>`;
    try {
      const response = await fetch(`${sandbox.url}/v1/Account/${AUTH_ID}/Call/`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ from: '+15550001111', to: '+15557654321', answer_url: answerUrl }),
      });
      expect(response.status).toBe(201);
      await expect.poll(() => sandbox.calls()[0]?.status, { timeout: 5_000 }).toBe('completed');
      const { html } = await inbox();
      expect(html).toContain('<h2>Calls</h2>');
      expect(html).toContain('Call to <strong>+15557654321</strong>');
      expect(html).toContain(
        'class="bubble call">&lt;script&gt;alert(1)&lt;/script&gt; Your code is 4 8 2 9 1 3</p>',
      );
      expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
      expect(html).not.toContain('<svg');
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('class="status status-completed">completed<');
    } finally {
      await new Promise<void>((resolve) => answer.close(() => resolve()));
    }
  });

  it('polls the calls too, so a new call shows up without a reload', async () => {
    const { html } = await inbox();
    expect(html).toContain("fetch('/__sandbox/calls'");
  });

  it('documents the call test numbers in its footer', async () => {
    const { html } = await inbox();
    const footer = /<footer>([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '';
    expect(footer).toMatch(
      /0010<\/code> fails,[\s\S]*0011<\/code> is busy,[\s\S]*0012<\/code> is not answered/,
    );
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${sandbox.url}/`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
