// `GET /`: the inbox a developer keeps open while requesting codes: the SMS and the voice calls the
// sandbox received. Self-contained (inline CSS and script, no external requests) under a nonce-based
// Content-Security-Policy, because message bodies, spoken words and URLs are untrusted: they are
// escaped on the server, and the CSP would stop an injected script even if escaping were ever
// missed. The page polls /__sandbox/messages and /__sandbox/calls every 2 s and, when anything
// changed, fetches itself again and swaps in the server-rendered list: one rendering path, always escaped.

import { escapeHtml, highlightCodes } from '../support/html-text.ts';
import type { SandboxCall } from './calls.ts';
import type { SandboxMessage } from './messages.ts';
import {
  CALL_BUSY_SUFFIX,
  CALL_FAILED_SUFFIX,
  CALL_MACHINE_SUFFIX,
  CALL_NO_ANSWER_SUFFIX,
  FAILED_ERROR_CODE,
  FAILED_SUFFIX,
  SILENT_SUFFIX,
  UNDELIVERED_ERROR_CODE,
  UNDELIVERED_SUFFIX,
  UNSUBSCRIBED_SUFFIX,
} from './scripted-numbers.ts';

export interface InboxPageOptions {
  accountSid: string;
  geoDeniedPrefixes: readonly string[];
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
}

export const EMPTY_INBOX_TEXT = 'Nothing yet — request a code and it will appear here.';

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

type Tracked = { sid: string; status: string };

/** Changes whenever a message or call arrives, goes or changes status; the page script builds the same string. */
export function inboxFingerprint(messages: readonly Tracked[], calls: readonly Tracked[]): string {
  const part = (items: readonly Tracked[]) => items.map((item) => `${item.sid}:${item.status}`).join(',');
  return `${part(messages)}|${part(calls)}`;
}

export function renderInboxPage(
  messages: readonly SandboxMessage[],
  calls: readonly SandboxCall[],
  options: InboxPageOptions,
): string {
  const nonce = escapeHtml(options.nonce);
  const sections: string[] = [];
  if (messages.length > 0)
    sections.push(`<h2>SMS</h2><ol class="items">${messages.map(renderMessage).join('')}</ol>`);
  if (calls.length > 0)
    sections.push(`<h2>Calls</h2><ol class="items">${calls.map(renderCall).join('')}</ol>`);
  const list =
    sections.length === 0 ? `<p class="empty">${escapeHtml(EMPTY_INBOX_TEXT)}</p>` : sections.join('');
  const geo = options.geoDeniedPrefixes.map((prefix) => `<code>${escapeHtml(prefix)}</code>`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inbox (${messages.length + calls.length}) · Twilio sandbox</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-fingerprint="${escapeHtml(inboxFingerprint(messages, calls))}">
<header>
  <h1>Inbox</h1><span class="meta">SMS and voice calls</span>
  <span class="meta">Twilio sandbox · account <code>${escapeHtml(options.accountSid)}</code> · <span id="live">live</span></span>
  <button id="clear" type="button">Clear inbox</button>
</header>
<main id="inbox">${list}</main>
<footer>
  <p><strong>Test numbers (SMS).</strong> A <code>To</code> ending in <code>${FAILED_SUFFIX}</code> fails
  (queued → failed, ErrorCode ${FAILED_ERROR_CODE}); <code>${UNDELIVERED_SUFFIX}</code> is undelivered
  (queued → sent → undelivered, ErrorCode ${UNDELIVERED_ERROR_CODE}); <code>${SILENT_SUFFIX}</code> stays sent with no final callback;
  <code>${UNSUBSCRIBED_SUFFIX}</code> is refused at once (21610, unsubscribed); any other is delivered (queued → sent → delivered).
  Status callbacks go to the message's <code>StatusCallback</code>, signed with <code>X-Twilio-Signature</code>.</p>
  <p><strong>Test numbers (calls).</strong> A <code>To</code> ending in <code>${CALL_FAILED_SUFFIX}</code> fails,
  <code>${CALL_BUSY_SUFFIX}</code> is busy, <code>${CALL_NO_ANSWER_SUFFIX}</code> is not answered (no TwiML request);
  <code>${CALL_MACHINE_SUFFIX}</code> is answered by a machine; any other by a person: the <code>Url</code> is requested (signed)
  and its <code>&lt;Say&gt;</code> words recorded. A <code>To</code> starting with ${geo} is refused by geo permissions (21408, 21215).</p>
  <p><strong>For tests.</strong> <code>GET /__sandbox/messages?to=…</code> · <code>GET /__sandbox/calls?to=…</code> ·
  <code>GET /__sandbox/requests</code> · <code>DELETE</code> each · <code>POST /__sandbox/faults[?api=call] {"status":500,"count":1,"delayMs":0}</code></p>
</footer>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function renderMessage(message: SandboxMessage): string {
  const details = [`<code>${escapeHtml(message.sid)}</code>`, `${message.numSegments} segment(s)`];
  if (message.messagingServiceSid !== null) {
    details.push(`Messaging Service <code>${escapeHtml(message.messagingServiceSid)}</code>`);
  }
  if (message.errorCode !== null) details.push(`ErrorCode ${message.errorCode}`);
  if (message.validityPeriod !== null) details.push(`valid for ${message.validityPeriod} s`);
  if (message.statusCallback !== null)
    details.push(`callbacks to <code>${escapeHtml(message.statusCallback)}</code>`);
  return item(
    message.sid,
    message.to,
    message.from,
    message.dateCreated,
    message.status,
    `<p class="bubble">${highlightCodes(message.body)}</p>`,
    details,
  );
}

function renderCall(call: SandboxCall): string {
  const source =
    call.url === null
      ? 'inline <code>Twiml</code>'
      : `<code>${escapeHtml(call.url)}</code> (${escapeHtml(call.method)})`;
  const details = [`<code>${escapeHtml(call.sid)}</code>`, `TwiML from ${source}`];
  if (call.answeredBy !== null) details.push(`answered by ${escapeHtml(call.answeredBy)}`);
  if (call.voice !== null && call.language !== null) {
    details.push(`voice ${escapeHtml(call.voice)}, ${escapeHtml(call.language)}`);
  }
  const spoken =
    call.error !== null
      ? `<p class="bubble call failed">${call.errorCode === null ? '' : `${call.errorCode}: `}${escapeHtml(call.error)}</p>`
      : call.spokenText !== ''
        ? `<p class="bubble call">${highlightCodes(call.spokenText)}</p>`
        : '';
  return item(call.sid, call.to, call.from, call.dateCreated, call.status, spoken, details, 'Call to ');
}

function item(
  sid: string,
  to: string,
  from: string,
  at: string,
  status: string,
  content: string,
  details: string[],
  toLabel = 'To ',
): string {
  return `<li class="item" data-sid="${escapeHtml(sid)}">
<div class="head">
  <span class="to">${toLabel}<strong>${escapeHtml(to)}</strong></span>
  <span class="from">from <strong>${escapeHtml(from)}</strong></span>
  <time datetime="${escapeHtml(at)}" title="${escapeHtml(at)}">${escapeHtml(at.slice(11, 19))} UTC</time>
  <span class="status status-${escapeHtml(status)}">${escapeHtml(status)}</span>
</div>
${content}
<div class="details">${details.join(' · ')}</div>
</li>`;
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #667085; --bubble: #e8f0fe; --call: #f3e8ff; --line: #d9dde3; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --card: #1d2128; --ink: #e6e8eb; --muted: #98a2b3; --bubble: #243247; --call: #33264a; --line: #2e343d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1rem; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { margin: 0; font-size: 1.3rem; }
h2 { font-size: 1rem; color: var(--muted); margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); }
#live::before { content: "● "; color: #12b76a; }
#live.offline::before { color: #f04438; }
#clear { margin-left: auto; font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--ink); cursor: pointer; }
main { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
.empty { text-align: center; color: var(--muted); font-size: 1.1rem; padding: 4rem 1rem; border: 2px dashed var(--line); border-radius: 12px; }
.items { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.item { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.25rem; }
.item.arrived { animation: arrive 1.5s ease-out; }
@keyframes arrive { from { box-shadow: 0 0 0 4px #fdb022; } to { box-shadow: 0 0 0 0 transparent; } }
.head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.to { font-size: 1.15rem; }
.from, time, .details { color: var(--muted); }
time { margin-left: auto; font-variant-numeric: tabular-nums; }
.status { font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: .1rem .5rem; border-radius: 999px; color: #fff; background: #667085; }
.status-sent, .status-ringing, .status-in-progress { background: #2e90fa; }
.status-delivered, .status-completed { background: #12b76a; }
.status-failed { background: #f04438; } .status-undelivered, .status-busy, .status-no-answer { background: #f79009; }
.bubble { margin: .75rem 0; padding: 1rem 1.25rem; border-radius: 16px 16px 16px 4px; background: var(--bubble); font: 1.35rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.bubble.call { background: var(--call); font-family: system-ui, sans-serif; font-size: 1.1rem; }
.bubble.call.failed { color: #f04438; }
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
  const seen = new Set(Array.from(document.querySelectorAll('.item'), (item) => item.dataset.sid));
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
    for (const item of document.querySelectorAll('.item')) {
      if (!seen.has(item.dataset.sid)) item.classList.add('arrived');
      seen.add(item.dataset.sid);
    }
    localizeTimes();
  }

  async function poll() {
    try {
      const [messages, calls] = await Promise.all(
        ['/__sandbox/messages', '/__sandbox/calls'].map(async (path) => {
          const response = await fetch(path, { cache: 'no-store' });
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        }),
      );
      const part = (items) => items.map((item) => item.sid + ':' + item.status).join(',');
      if (part(messages) + '|' + part(calls) !== fingerprint) await refresh();
      live.textContent = 'live';
      live.classList.remove('offline');
    } catch {
      live.textContent = 'sandbox unreachable';
      live.classList.add('offline');
    }
  }

  document.getElementById('clear').addEventListener('click', async () => {
    await Promise.all(
      ['/__sandbox/messages', '/__sandbox/calls'].map((path) => fetch(path, { method: 'DELETE' }).catch(() => undefined)),
    );
    await poll();
  });

  localizeTimes();
  setInterval(poll, 2000);
})();
`;
