// `GET /`: the inbox a developer keeps open while requesting codes: SMS, WhatsApp messages and voice
// calls. Self-contained (inline CSS and script, no external requests) and locked down by a
// nonce-based Content-Security-Policy, because message text, template values, spoken text and URLs
// are untrusted: they are escaped on the server, and the CSP would stop an injected script even if
// escaping were ever missed. The page refreshes itself by polling /__sandbox/messages and
// /__sandbox/calls every 2 s and, when anything changed, swapping in a freshly rendered list, so
// there is one rendering path (this file) and it always escapes.

import { escapeHtml, highlightCodes } from '../support/html-text.ts';
import {
  BUSY_TO_SUFFIX,
  FAILED_TO_SUFFIX,
  MACHINE_TO_SUFFIX,
  NO_ANSWER_TO_SUFFIX,
  type SandboxCall,
} from './calls.ts';
import type { SandboxMessage } from './messages.ts';
import {
  FAILED_DST_SUFFIX,
  FAILED_ERROR_CODE,
  REFUSED_NUMBER_SUFFIX,
  UNDELIVERED_DST_SUFFIX,
  UNDELIVERED_ERROR_CODE,
} from './messages.ts';

export interface InboxPageOptions {
  authId: string;
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
  /** Offer "Reset local limits" (the sandbox runs beside npm run dev's own Redis). */
  limitReset?: boolean;
}

export const RESET_LIMITS_LABEL = 'Reset local limits';

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

function inboxTitle(messages: readonly SandboxMessage[], calls: readonly SandboxCall[]): string {
  return `SMS inbox (${messages.length + calls.length}) · Plivo sandbox`;
}

/**
 * The list alone, as `<main id="inbox">` with the title and fingerprint it goes with: what the page
 * script swaps in (`GET /?part=inbox`). A fragment, not the whole page: the page's nonce changes
 * with every response, and Chromium checks the `<style>` of a parsed page against the live page's
 * CSP, reporting a violation on every refresh.
 */
export function renderInboxList(messages: readonly SandboxMessage[], calls: readonly SandboxCall[]): string {
  const sections: string[] = [];
  if (messages.length > 0) {
    sections.push(`<h2>Messages</h2><ol class="messages">${messages.map(renderMessage).join('')}</ol>`);
  }
  if (calls.length > 0) {
    sections.push(`<h2>Calls</h2><ol class="messages calls">${calls.map(renderCall).join('')}</ol>`);
  }
  const list =
    sections.length === 0 ? `<p class="empty">${escapeHtml(EMPTY_INBOX_TEXT)}</p>` : sections.join('');
  const fingerprint = escapeHtml(inboxFingerprint(messages, calls));
  const title = escapeHtml(inboxTitle(messages, calls));
  return `<main id="inbox" data-fingerprint="${fingerprint}" data-title="${title}">${list}</main>`;
}

export function renderInboxPage(
  messages: readonly SandboxMessage[],
  calls: readonly SandboxCall[],
  options: InboxPageOptions,
): string {
  const nonce = escapeHtml(options.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(inboxTitle(messages, calls))}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-fingerprint="${escapeHtml(inboxFingerprint(messages, calls))}">
<header>
  <h1>SMS inbox</h1><span class="meta">with WhatsApp and voice calls</span>
  <span class="meta">Plivo sandbox · account <code>${escapeHtml(options.authId)}</code> · <span id="live">live</span></span>
  <span class="actions">${
    options.limitReset
      ? `<button id="reset-limits" type="button" title="Deletes the local Worker's send limits, cooldowns, failure counts and fraud-guard cells in the local Redis; codes already sent keep working">${RESET_LIMITS_LABEL}</button> `
      : ''
  }<button id="clear" type="button">Clear inbox</button></span>
  <output id="action-result" class="meta" aria-live="polite"></output>
</header>
${renderInboxList(messages, calls)}
<footer>
  <p><strong>Test numbers.</strong> A destination ending in <code>${FAILED_DST_SUFFIX}</code> fails
  (queued → failed, ErrorCode ${FAILED_ERROR_CODE}); one ending in <code>${UNDELIVERED_DST_SUFFIX}</code> is undelivered
  (queued → sent → undelivered, ErrorCode ${UNDELIVERED_ERROR_CODE}); any other is delivered (queued → sent → delivered).
  A delivered WhatsApp message is then read.
  Status callbacks go to the message's <code>url</code>, signed with the auth token (V3 and V2).</p>
  <p><strong>Test numbers for calls.</strong> A <code>to</code> ending in <code>${FAILED_TO_SUFFIX}</code> fails,
  <code>${BUSY_TO_SUFFIX}</code> is busy, <code>${NO_ANSWER_TO_SUFFIX}</code> is not answered (no answer URL request);
  <code>${MACHINE_TO_SUFFIX}</code> is answered by a voicemail (with <code>machine_detection=hangup</code> Plivo hangs up before any XML;
  with <code>true</code> the answer URL gets <code>Machine=true</code>; without, the XML is played into the voicemail);
  any other is answered: the answer URL is requested (signed), its <code>&lt;Speak&gt;</code> text recorded, then the hangup URL.
  A <code>dst</code> or <code>to</code> ending in <code>${REFUSED_NUMBER_SUFFIX}</code> is refused by the API itself (400), with an error naming the number.</p>
  <p><strong>For tests.</strong> <code>GET /__sandbox/messages?dst=…</code> · <code>DELETE /__sandbox/messages</code> ·
  <code>GET /__sandbox/calls?to=…</code> · <code>DELETE /__sandbox/calls</code> ·
  <code>GET /__sandbox/requests</code> · <code>POST /__sandbox/faults[?api=call] {"status":500,"count":1,"delayMs":0}</code> ·
  <code>DELETE /__sandbox/faults</code> · <code>POST /__sandbox/limits/reset</code> (with <code>npm run dev</code>:
  the local Worker's limits, cooldowns and fraud-guard cells; <code>npm run local:reset-limits</code>)</p>
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
  if (message.url !== null) details.push(`callbacks to ${urlCode(message.url)}`);
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
    `answer URL ${urlCode(call.answerUrl)} (${escapeHtml(call.answerMethod)})`,
  ];
  if (call.hangupUrl !== null) details.push(`hangup URL ${urlCode(call.hangupUrl)}`);
  if (call.voice !== null && call.language !== null) {
    details.push(`voice ${escapeHtml(call.voice)}, ${escapeHtml(call.language)}`);
  }
  if (call.machineDetection !== null)
    details.push(`machine detection <code>${escapeHtml(call.machineDetection)}</code>`);
  if (call.answeredBy === 'machine') {
    details.push(
      call.spokenText === ''
        ? 'answered by a voicemail: nothing spoken'
        : 'answered by a voicemail: spoken into it',
    );
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

/**
 * A URL on one line, cut with an ellipsis, the whole of it in the tooltip: a call's answer URL holds
 * a sealed token of some 150 characters, which wrapped over three lines of every call.
 */
function urlCode(url: string): string {
  return `<code class="url" title="${escapeHtml(url)}">${escapeHtml(url)}</code>`;
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
.actions { margin-left: auto; display: flex; gap: .5rem; }
#clear, #reset-limits { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--ink); cursor: pointer; }
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
.details code.url { display: inline-block; max-width: min(100%, 32rem); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; overflow-wrap: normal; vertical-align: bottom; }
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
    const part = await fetch('/?part=inbox', { cache: 'no-store' });
    const next = new DOMParser().parseFromString(await part.text(), 'text/html');
    const inbox = next.getElementById('inbox');
    if (!inbox) return;
    document.getElementById('inbox').replaceWith(document.adoptNode(inbox));
    document.title = inbox.dataset.title;
    fingerprint = inbox.dataset.fingerprint;
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

  const result = document.getElementById('action-result');
  const reset = document.getElementById('reset-limits');
  if (reset) {
    reset.addEventListener('click', async () => {
      reset.disabled = true;
      try {
        const response = await fetch('/__sandbox/limits/reset', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        const body = await response.json();
        result.textContent = response.ok
          ? 'Local limits reset (' + body.deleted + ' keys deleted): send and verify as if for the first time.'
          : 'Reset failed: ' + body.error;
      } catch {
        result.textContent = 'Reset failed: the sandbox is unreachable.';
      } finally {
        reset.disabled = false;
      }
    });
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
