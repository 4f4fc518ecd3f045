// `GET /`: the Twilio sandbox's inbox (local/support/inbox/page.ts): the SMS and the voice calls the
// sandbox received, what each of them shows, and the footer that documents the scripted numbers.
// Message bodies, spoken words and URLs are untrusted: everything here is escaped.

import { escapeHtml, highlightCodes } from '../support/html-text.ts';
import { type Inbox, type InboxItem, renderInboxPage as renderPage } from '../support/inbox/page.ts';
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

export { inboxContentSecurityPolicy } from '../support/inbox/page.ts';

export interface InboxPageOptions {
  accountSid: string;
  geoDeniedPrefixes: readonly string[];
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
}

export const EMPTY_INBOX_TEXT = 'Nothing yet — request a code and it will appear here.';

export function renderInboxPage(
  messages: readonly SandboxMessage[],
  calls: readonly SandboxCall[],
  options: InboxPageOptions,
): string {
  const inbox: Inbox = {
    sandbox: 'Twilio sandbox',
    heading: 'Inbox',
    messagesHeading: 'SMS',
    emptyText: EMPTY_INBOX_TEXT,
    messages: messages.map(messageItem),
    calls: calls.map(callItem),
  };
  return renderPage(inbox, {
    nonce: options.nonce,
    holds: 'SMS and voice calls',
    account: `account <code>${escapeHtml(options.accountSid)}</code>`,
    footer: footer(options.geoDeniedPrefixes),
    style: '',
    // The whole page: the sandbox serves no list of its own (`?part=inbox`) yet.
    script: { idField: 'sid', refreshFrom: '/' },
  });
}

function footer(geoDeniedPrefixes: readonly string[]): string {
  const geo = geoDeniedPrefixes.map((prefix) => `<code>${escapeHtml(prefix)}</code>`).join(', ');
  return `  <p><strong>Test numbers (SMS).</strong> A <code>To</code> ending in <code>${FAILED_SUFFIX}</code> fails
  (queued → failed, ErrorCode ${FAILED_ERROR_CODE}); <code>${UNDELIVERED_SUFFIX}</code> is undelivered
  (queued → sent → undelivered, ErrorCode ${UNDELIVERED_ERROR_CODE}); <code>${SILENT_SUFFIX}</code> stays sent with no final callback;
  <code>${UNSUBSCRIBED_SUFFIX}</code> is refused at once (21610, unsubscribed); any other is delivered (queued → sent → delivered).
  Status callbacks go to the message's <code>StatusCallback</code>, signed with <code>X-Twilio-Signature</code>.</p>
  <p><strong>Test numbers (calls).</strong> A <code>To</code> ending in <code>${CALL_FAILED_SUFFIX}</code> fails,
  <code>${CALL_BUSY_SUFFIX}</code> is busy, <code>${CALL_NO_ANSWER_SUFFIX}</code> is not answered (no TwiML request);
  <code>${CALL_MACHINE_SUFFIX}</code> is answered by a machine; any other by a person: the <code>Url</code> is requested (signed)
  and its <code>&lt;Say&gt;</code> words recorded. A <code>To</code> starting with ${geo} is refused by geo permissions (21408, 21215).</p>
  <p><strong>For tests.</strong> <code>GET /__sandbox/messages?to=…</code> · <code>GET /__sandbox/calls?to=…</code> ·
  <code>GET /__sandbox/requests</code> · <code>DELETE</code> each · <code>POST /__sandbox/faults[?api=call] {"status":500,"count":1,"delayMs":0}</code></p>`;
}

function messageItem(message: SandboxMessage): InboxItem {
  const details = [`<code>${escapeHtml(message.sid)}</code>`, `${message.numSegments} segment(s)`];
  if (message.messagingServiceSid !== null) {
    details.push(`Messaging Service <code>${escapeHtml(message.messagingServiceSid)}</code>`);
  }
  if (message.errorCode !== null) details.push(`ErrorCode ${message.errorCode}`);
  if (message.validityPeriod !== null) details.push(`valid for ${message.validityPeriod} s`);
  if (message.statusCallback !== null)
    details.push(`callbacks to <code>${escapeHtml(message.statusCallback)}</code>`);
  return {
    id: message.sid,
    kind: 'message',
    to: message.to,
    sender: `from <strong>${escapeHtml(message.from)}</strong>`,
    at: message.dateCreated,
    status: message.status,
    content: `<p class="bubble">${highlightCodes(message.body)}</p>`,
    details,
  };
}

function callItem(call: SandboxCall): InboxItem {
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
  return {
    id: call.sid,
    kind: 'call',
    to: call.to,
    sender: `from <strong>${escapeHtml(call.from)}</strong>`,
    at: call.dateCreated,
    status: call.status,
    content: spoken,
    details,
  };
}
