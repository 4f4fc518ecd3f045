// `GET /`: the inbox a developer keeps open while requesting codes: SMS, WhatsApp messages and voice
// calls. Self-contained (inline CSS and script, no external requests) and locked down by a
// nonce-based Content-Security-Policy, because message text, template values, spoken text and URLs
// are untrusted: they are escaped on the server, and the CSP would stop an injected script even if
// escaping were ever missed. The page refreshes itself by polling /__sandbox/messages and
// /__sandbox/calls every 2 s and, when anything changed, swapping in a freshly rendered list, so
// there is one rendering path (this file) and it always escapes.

import { escapeHtml, highlightCodes } from '../support/html-text.ts';
import { BUSY_TO_SUFFIX, FAILED_TO_SUFFIX, NO_ANSWER_TO_SUFFIX, type SandboxCall } from './calls.ts';
import type { SandboxMessage } from './messages.ts';
import {
  FAILED_DST_SUFFIX,
  FAILED_ERROR_CODE,
  UNDELIVERED_DST_SUFFIX,
  UNDELIVERED_ERROR_CODE,
} from './messages.ts';

export interface InboxPageOptions {
  authId: string;
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
}

export const EMPTY_INBOX_TEXT = 'No messages yet — request a code and it will appear here.';

export function inboxContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

type Tracked = { uuid: string; status: string };

/**
 * Changes whenever a message or call arrives, goes or changes status; the page script builds the
 * same string from the two JSON lists to decide to re-render.
 */
export function inboxFingerprint(messages: readonly Tracked[], calls: readonly Tracked[]): string {
  const part = (items: readonly Tracked[]) => items.map((item) => `${item.uuid}:${item.status}`).join(',');
  return `${part(messages)}|${part(calls)}`;
}

export function renderInboxPage(
  messages: readonly SandboxMessage[],
  calls: readonly SandboxCall[],
  options: InboxPageOptions,
): string {
  const nonce = escapeHtml(options.nonce);
  const sections: string[] = [];
  if (messages.length > 0) {
    sections.push(`<h2>Messages</h2><ol class="messages">${messages.map(renderMessage).join('')}</ol>`);
  }
  if (calls.length > 0) {
    sections.push(`<h2>Calls</h2><ol class="messages calls">${calls.map(renderCall).join('')}</ol>`);
  }
  const list =
    sections.length === 0 ? `<p class="empty">${escapeHtml(EMPTY_INBOX_TEXT)}</p>` : sections.join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SMS inbox (${messages.length + calls.length}) · Plivo sandbox</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-fingerprint="${escapeHtml(inboxFingerprint(messages, calls))}">
<header>
  <h1>SMS inbox</h1><span class="meta">with WhatsApp and voice calls</span>
  <span class="meta">Plivo sandbox · account <code>${escapeHtml(options.authId)}</code> · <span id="live">live</span></span>
  <button id="clear" type="button">Clear inbox</button>
</header>
<main id="inbox">${list}</main>
<footer>
  <p><strong>Test numbers.</strong> A destination ending in <code>${FAILED_DST_SUFFIX}</code> fails
  (queued → failed, ErrorCode ${FAILED_ERROR_CODE}); one ending in <code>${UNDELIVERED_DST_SUFFIX}</code> is undelivered
  (queued → sent → undelivered, ErrorCode ${UNDELIVERED_ERROR_CODE}); any other is delivered (queued → sent → delivered).
  A delivered WhatsApp message is then read.
  Status callbacks go to the message's <code>url</code>, signed with the auth token (V3 and V2).</p>
  <p><strong>Test numbers for calls.</strong> A <code>to</code> ending in <code>${FAILED_TO_SUFFIX}</code> fails,
  <code>${BUSY_TO_SUFFIX}</code> is busy, <code>${NO_ANSWER_TO_SUFFIX}</code> is not answered (no answer URL request);
  any other is answered: the answer URL is requested (signed), its <code>&lt;Speak&gt;</code> text recorded, then the hangup URL.</p>
  <p><strong>For tests.</strong> <code>GET /__sandbox/messages?dst=…</code> · <code>DELETE /__sandbox/messages</code> ·
  <code>GET /__sandbox/calls?to=…</code> · <code>DELETE /__sandbox/calls</code> ·
  <code>GET /__sandbox/requests</code> · <code>POST /__sandbox/faults[?api=call] {"status":500,"count":1,"delayMs":0}</code> ·
  <code>DELETE /__sandbox/faults</code></p>
</footer>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function renderMessage(message: SandboxMessage): string {
  const sender =
    message.src !== null
      ? `from <strong>${escapeHtml(message.src)}</strong>`
      : `via Powerpack <code>${escapeHtml(message.powerpackUuid ?? '')}</code>`;
  const details = [`<code>${escapeHtml(message.uuid)}</code>`, `log ${escapeHtml(String(message.log))}`];
  if (message.messageExpiry !== null) details.push(`expires after ${message.messageExpiry} s`);
  if (message.url !== null) details.push(`callbacks to <code>${escapeHtml(message.url)}</code>`);
  return `<li class="message" data-uuid="${escapeHtml(message.uuid)}">
<div class="head">
  <span class="to">To <strong>${escapeHtml(message.dst)}</strong></span>
  <span class="from">${sender}</span>
  <time datetime="${escapeHtml(message.receivedAt)}" title="${escapeHtml(message.receivedAt)}">${escapeHtml(message.receivedAt.slice(11, 19))} UTC</time>
  <span class="status status-${escapeHtml(message.status)}">${escapeHtml(message.status)}</span>
</div>
${message.type === 'whatsapp' ? renderWhatsAppBubble(message) : `<p class="bubble">${highlightCodes(message.text ?? '')}</p>`}
<div class="details">${details.join(' · ')}</div>
</li>`;
}

function renderWhatsAppBubble(message: SandboxMessage): string {
  const template = message.template;
  if (!template) return '<p class="bubble whatsapp"></p>';
  const components = template.components.map((component) => {
    const label =
      component.type === 'button'
        ? `button ${escapeHtml(component.index ?? '')} (${escapeHtml(component.subType ?? '')})`
        : escapeHtml(component.type);
    const values = component.parameters.map((parameter) => highlightCodes(parameter)).join(' · ');
    return `<span class="component"><span class="label">${label}</span> ${values}</span>`;
  });
  return `<p class="bubble whatsapp"><span class="channel">WhatsApp template <strong>${escapeHtml(template.name)}</strong> (${escapeHtml(template.language)})</span>${components.join('')}</p>`;
}

function renderCall(call: SandboxCall): string {
  const details = [
    `<code>${escapeHtml(call.uuid)}</code>`,
    `answer URL <code>${escapeHtml(call.answerUrl)}</code> (${escapeHtml(call.answerMethod)})`,
  ];
  if (call.hangupUrl !== null) details.push(`hangup URL <code>${escapeHtml(call.hangupUrl)}</code>`);
  if (call.voice !== null && call.language !== null) {
    details.push(`voice ${escapeHtml(call.voice)}, ${escapeHtml(call.language)}`);
  }
  const spoken =
    call.error !== null
      ? `<p class="bubble call failed">${escapeHtml(call.error)}</p>`
      : call.spokenText !== ''
        ? `<p class="bubble call">${highlightCodes(call.spokenText)}</p>`
        : '';
  return `<li class="message call" data-uuid="${escapeHtml(call.uuid)}">
<div class="head">
  <span class="to">Call to <strong>${escapeHtml(call.to)}</strong></span>
  <span class="from">from <strong>${escapeHtml(call.from)}</strong></span>
  <time datetime="${escapeHtml(call.receivedAt)}" title="${escapeHtml(call.receivedAt)}">${escapeHtml(call.receivedAt.slice(11, 19))} UTC</time>
  <span class="status status-${escapeHtml(call.status)}">${escapeHtml(call.status)}</span>
</div>
${spoken}
<div class="details">${details.join(' · ')}</div>
</li>`;
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #667085; --bubble: #e8f0fe; --whatsapp: #dcf8c6; --call: #f3e8ff; --line: #d9dde3; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --card: #1d2128; --ink: #e6e8eb; --muted: #98a2b3; --bubble: #243247; --whatsapp: #1f3b2a; --call: #33264a; --line: #2e343d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1rem; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { margin: 0; font-size: 1.3rem; }
.meta { color: var(--muted); }
#live::before { content: "● "; color: #12b76a; }
#live.offline::before { color: #f04438; }
#clear { margin-left: auto; font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--ink); cursor: pointer; }
main { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
.empty { text-align: center; color: var(--muted); font-size: 1.1rem; padding: 4rem 1rem; border: 2px dashed var(--line); border-radius: 12px; }
.messages { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.message { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.25rem; }
.message.arrived { animation: arrive 1.5s ease-out; }
@keyframes arrive { from { box-shadow: 0 0 0 4px #fdb022; } to { box-shadow: 0 0 0 0 transparent; } }
.head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.to { font-size: 1.15rem; }
.from, time, .details { color: var(--muted); }
time { margin-left: auto; font-variant-numeric: tabular-nums; }
.status { font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: .1rem .5rem; border-radius: 999px; color: #fff; background: #667085; }
.status-sent { background: #2e90fa; } .status-delivered { background: #12b76a; }
.status-failed { background: #f04438; } .status-undelivered { background: #f79009; }
.status-read, .status-completed { background: #12b76a; } .status-in-progress { background: #2e90fa; }
.status-busy, .status-no-answer { background: #f79009; }
h2 { font-size: 1rem; color: var(--muted); margin: 1.5rem 0 .5rem; }
.bubble.whatsapp { background: var(--whatsapp); border-radius: 16px 16px 4px 16px; display: grid; gap: .35rem; }
.bubble.call { background: var(--call); font-family: system-ui, sans-serif; font-size: 1.1rem; }
.bubble.call.failed { color: #f04438; }
.channel, .label { font: .8rem system-ui, sans-serif; color: var(--muted); }
.bubble { margin: .75rem 0; padding: 1rem 1.25rem; border-radius: 16px 16px 16px 4px; background: var(--bubble); font: 1.35rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.code { background: #fdb022; color: #1d2330; font-weight: 700; font-size: 1.25em; letter-spacing: .12em; padding: 0 .2em; border-radius: 4px; }
.details { font-size: .8rem; overflow-wrap: anywhere; }
footer { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
`;

// Plain browser JavaScript, no build step. Re-renders by fetching this page again and adopting its
// already-escaped #inbox: the script itself never turns message text into HTML.
const SCRIPT = `
(() => {
  let fingerprint = document.body.dataset.fingerprint;
  const seen = new Set(Array.from(document.querySelectorAll('.message'), (item) => item.dataset.uuid));
  const live = document.getElementById('live');

  function localizeTimes() {
    for (const time of document.querySelectorAll('time[datetime]')) {
      time.textContent = new Date(time.dateTime).toLocaleTimeString();
    }
  }

  async function refresh() {
    const page = await fetch('/', { cache: 'no-store' });
    const next = new DOMParser().parseFromString(await page.text(), 'text/html');
    const inbox = next.getElementById('inbox');
    if (!inbox) return;
    document.getElementById('inbox').replaceWith(document.adoptNode(inbox));
    document.title = next.title;
    fingerprint = next.body.dataset.fingerprint;
    for (const item of document.querySelectorAll('.message')) {
      if (!seen.has(item.dataset.uuid)) item.classList.add('arrived');
      seen.add(item.dataset.uuid);
    }
    localizeTimes();
  }

  async function poll() {
    try {
      const [messages, calls] = await Promise.all(
        [fetch('/__sandbox/messages', { cache: 'no-store' }), fetch('/__sandbox/calls', { cache: 'no-store' })].map(
          async (request) => {
            const response = await request;
            if (!response.ok) throw new Error('HTTP ' + response.status);
            return response.json();
          },
        ),
      );
      const part = (items) => items.map((item) => item.uuid + ':' + item.status).join(',');
      const current = part(messages) + '|' + part(calls);
      if (current !== fingerprint) await refresh();
      live.textContent = 'live';
      live.classList.remove('offline');
    } catch {
      live.textContent = 'sandbox unreachable';
      live.classList.add('offline');
    }
  }

  document.getElementById('clear').addEventListener('click', async () => {
    await Promise.all(
      ['/__sandbox/messages', '/__sandbox/calls'].map((path) =>
        fetch(path, { method: 'DELETE' }).catch(() => undefined),
      ),
    );
    await poll();
  });

  localizeTimes();
  setInterval(poll, 2000);
})();
`;
