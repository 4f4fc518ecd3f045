// The inbox page both sandboxes serve at `GET /`, the one a developer keeps open while requesting
// codes: its layout, the markup of a message or call, the list the page script swaps in, and the
// headers it is served with. Each sandbox fills in its own items, footer and extra style.
// Self-contained (inline CSS and script, no external requests) under a nonce-based
// Content-Security-Policy, because message text, spoken words and URLs are untrusted: they are
// escaped here, and the CSP would stop an injected script even if escaping were ever missed.

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../html-text.ts';
import { sendHtml } from '../http-responses.ts';
import { type InboxScriptOptions, inboxScript } from './script.ts';
import { INBOX_STYLE } from './style.ts';

/** One message or call as the inbox lists it. */
export interface InboxItem {
  /** The vendor's id (a sid, a UUID): the page script notices new arrivals by it. */
  id: string;
  kind: 'message' | 'call';
  to: string;
  /** HTML: who sent it, `from <strong>…</strong>` or the vendor's own words. */
  sender: string;
  /** ISO 8601 */
  at: string;
  status: string;
  /** HTML: the bubble with what was sent or said; empty when there is none yet. */
  content: string;
  /** HTML: ids, settings and URLs, shown in small print. */
  details: string[];
}

export interface Inbox {
  /** `Plivo sandbox`: in the title and the header. */
  sandbox: string;
  /** The h1, and the start of the title: `SMS inbox`. */
  heading: string;
  /** The h2 over the messages: `Messages`, `SMS`. */
  messagesHeading: string;
  emptyText: string;
  /** Newest first, as the sandbox's `/__sandbox/messages` lists them (the fingerprint depends on it). */
  messages: readonly InboxItem[];
  /** Newest first, as `/__sandbox/calls` lists them. */
  calls: readonly InboxItem[];
}

export interface InboxPageOptions {
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
  /** Beside the heading: what the inbox holds. */
  holds: string;
  /** HTML after the sandbox's name in the header: the account. */
  account: string;
  /**
   * The "Reset local limits" button and the line its result is written to. `offered`: the sandbox
   * runs beside npm run dev's own Redis; `unavailable`: it can, but runs alone, so no button (the
   * line stays: the header keeps its layout). Omitted: the sandbox has no limits to reset.
   */
  limitReset?: 'offered' | 'unavailable';
  /** HTML paragraphs: the test numbers and the sandbox's API. */
  footer: string;
  /** CSS for what only this sandbox's items show (WhatsApp bubbles, long URLs), after the shared style. */
  style: string;
  script: InboxScriptOptions;
}

export const RESET_LIMITS_LABEL = 'Reset local limits';

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

const PAGE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/** The page, rendered with a fresh nonce and served under the CSP that names it. */
export function sendInboxPage(response: ServerResponse, render: (nonce: string) => string): void {
  const nonce = randomBytes(16).toString('base64');
  sendHtml(response, render(nonce), {
    ...PAGE_HEADERS,
    'content-security-policy': inboxContentSecurityPolicy(nonce),
  });
}

/** The list alone (renderInboxList): markup only, no style or script, so it needs no nonce. */
export function sendInboxList(response: ServerResponse, html: string): void {
  sendHtml(response, html, { ...PAGE_HEADERS, 'content-security-policy': "default-src 'none'" });
}

/**
 * Changes whenever a message or call arrives, goes or changes status; the page script builds the
 * same string from the two JSON lists to decide to re-render.
 */
function inboxFingerprint(inbox: Inbox): string {
  const part = (items: readonly InboxItem[]) => items.map((item) => `${item.id}:${item.status}`).join(',');
  return `${part(inbox.messages)}|${part(inbox.calls)}`;
}

function inboxTitle(inbox: Inbox): string {
  return `${inbox.heading} (${inbox.messages.length + inbox.calls.length}) · ${inbox.sandbox}`;
}

/**
 * The list alone, as `<main id="inbox">` with the title and fingerprint it goes with: what the page
 * script swaps in. A sandbox may serve it on its own (the Plivo sandbox's `GET /?part=inbox`): the
 * page's nonce changes with every response, and Chromium checks the `<style>` of a parsed page
 * against the live page's CSP, reporting a violation on every refresh.
 */
export function renderInboxList(inbox: Inbox): string {
  const sections: string[] = [];
  if (inbox.messages.length > 0) {
    sections.push(
      `<h2>${escapeHtml(inbox.messagesHeading)}</h2><ol class="items">${inbox.messages.map(renderItem).join('')}</ol>`,
    );
  }
  if (inbox.calls.length > 0) {
    sections.push(`<h2>Calls</h2><ol class="items">${inbox.calls.map(renderItem).join('')}</ol>`);
  }
  const list =
    sections.length === 0 ? `<p class="empty">${escapeHtml(inbox.emptyText)}</p>` : sections.join('');
  const fingerprint = escapeHtml(inboxFingerprint(inbox));
  const title = escapeHtml(inboxTitle(inbox));
  return `<main id="inbox" data-fingerprint="${fingerprint}" data-title="${title}">${list}</main>`;
}

export function renderInboxPage(inbox: Inbox, options: InboxPageOptions): string {
  const nonce = escapeHtml(options.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(inboxTitle(inbox))}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${INBOX_STYLE}${options.style}</style>
</head>
<body data-fingerprint="${escapeHtml(inboxFingerprint(inbox))}">
<header>
  <h1>${escapeHtml(inbox.heading)}</h1><span class="meta">${escapeHtml(options.holds)}</span>
  <span class="meta">${escapeHtml(inbox.sandbox)} · ${options.account} · <span id="live">live</span></span>
  <span class="actions">${
    options.limitReset === 'offered'
      ? `<button id="reset-limits" type="button" title="Deletes the local Worker's send limits, cooldowns, failure counts and fraud-guard cells in the local Redis; codes already sent keep working">${RESET_LIMITS_LABEL}</button> `
      : ''
  }<button id="clear" type="button">Clear inbox</button></span>${
    options.limitReset === undefined
      ? ''
      : '\n  <output id="action-result" class="meta" aria-live="polite"></output>'
  }
</header>
${renderInboxList(inbox)}
<footer>
${options.footer}
</footer>
<script nonce="${nonce}">${inboxScript(options.script)}</script>
</body>
</html>
`;
}

function renderItem(item: InboxItem): string {
  const kind = item.kind === 'call' ? ' call' : '';
  return `<li class="item${kind}" data-id="${escapeHtml(item.id)}">
<div class="head">
  <span class="to">${item.kind === 'call' ? 'Call to' : 'To'} <strong>${escapeHtml(item.to)}</strong></span>
  <span class="from">${item.sender}</span>
  <time datetime="${escapeHtml(item.at)}" title="${escapeHtml(item.at)}">${escapeHtml(item.at.slice(11, 19))} UTC</time>
  <span class="status status-${escapeHtml(item.status)}">${escapeHtml(item.status)}</span>
</div>
${item.content}
<div class="details">${item.details.join(' · ')}</div>
</li>`;
}
