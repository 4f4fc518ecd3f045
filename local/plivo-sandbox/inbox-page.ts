// `GET /`: the Plivo sandbox's inbox (local/support/inbox/page.ts): SMS, WhatsApp messages and voice
// calls, what each of them shows, and the footer that documents the test numbers. Message text,
// template values, spoken text and URLs are untrusted: everything here is escaped.

import { escapeHtml, highlightCodes } from '../support/html-text.ts';
import {
  type Inbox,
  type InboxItem,
  renderInboxList as renderList,
  renderInboxPage as renderPage,
} from '../support/inbox/page.ts';
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

export { inboxContentSecurityPolicy, RESET_LIMITS_LABEL } from '../support/inbox/page.ts';

export interface InboxPageOptions {
  authId: string;
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
  /** Offer "Reset local limits" (the sandbox runs beside npm run dev's own Redis). */
  limitReset?: boolean;
}

export const EMPTY_INBOX_TEXT = 'No messages yet — request a code and it will appear here.';

function inbox(messages: readonly SandboxMessage[], calls: readonly SandboxCall[]): Inbox {
  return {
    sandbox: 'Plivo sandbox',
    heading: 'SMS inbox',
    messagesHeading: 'Messages',
    emptyText: EMPTY_INBOX_TEXT,
    messages: messages.map(messageItem),
    calls: calls.map(callItem),
  };
}

/** The list alone, for the page script's refresh (`GET /?part=inbox`). */
export function renderInboxList(messages: readonly SandboxMessage[], calls: readonly SandboxCall[]): string {
  return renderList(inbox(messages, calls));
}

export function renderInboxPage(
  messages: readonly SandboxMessage[],
  calls: readonly SandboxCall[],
  options: InboxPageOptions,
): string {
  return renderPage(inbox(messages, calls), {
    nonce: options.nonce,
    holds: 'with WhatsApp and voice calls',
    account: `account <code>${escapeHtml(options.authId)}</code>`,
    limitReset: options.limitReset === true ? 'offered' : 'unavailable',
    footer: FOOTER,
    style: STYLE,
    script: { idField: 'uuid', refreshFrom: '/?part=inbox' },
  });
}

const FOOTER = `  <p><strong>Test numbers.</strong> A destination ending in <code>${FAILED_DST_SUFFIX}</code> fails
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
  the local Worker's limits, cooldowns and fraud-guard cells; <code>npm run local:reset-limits</code>)</p>`;

function messageItem(message: SandboxMessage): InboxItem {
  const sender =
    message.src !== null
      ? `from <strong>${escapeHtml(message.src)}</strong>`
      : `via Powerpack <code>${escapeHtml(message.powerpackUuid ?? '')}</code>`;
  const details = [`<code>${escapeHtml(message.uuid)}</code>`, `log ${escapeHtml(String(message.log))}`];
  if (message.messageExpiry !== null) details.push(`expires after ${message.messageExpiry} s`);
  if (message.url !== null) details.push(`callbacks to ${urlCode(message.url)}`);
  return {
    id: message.uuid,
    kind: 'message',
    to: message.dst,
    sender,
    at: message.receivedAt,
    status: message.status,
    content:
      message.type === 'whatsapp'
        ? renderWhatsAppBubble(message)
        : `<p class="bubble">${highlightCodes(message.text ?? '')}</p>`,
    details,
  };
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

function callItem(call: SandboxCall): InboxItem {
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
  return {
    id: call.uuid,
    kind: 'call',
    to: call.to,
    sender: `from <strong>${escapeHtml(call.from)}</strong>`,
    at: call.receivedAt,
    status: call.status,
    content: spoken,
    details,
  };
}

/**
 * A URL on one line, cut with an ellipsis, the whole of it in the tooltip: a call's answer URL holds
 * a sealed token of some 150 characters, which wrapped over three lines of every call.
 */
function urlCode(url: string): string {
  return `<code class="url" title="${escapeHtml(url)}">${escapeHtml(url)}</code>`;
}

// WhatsApp's green bubbles and the one-line URLs, after the shared style.
const STYLE = `:root { --whatsapp: #dcf8c6; }
@media (prefers-color-scheme: dark) { :root { --whatsapp: #1f3b2a; } }
.bubble.whatsapp { background: var(--whatsapp); border-radius: 16px 16px 4px 16px; display: grid; gap: .35rem; }
.channel, .label { font: .8rem system-ui, sans-serif; color: var(--muted); }
.details code.url { display: inline-block; max-width: min(100%, 32rem); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; overflow-wrap: normal; vertical-align: bottom; }
`;
