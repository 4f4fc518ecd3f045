import { escapeHtml } from '../support/html-text.ts';
import type { ReceivedEvent } from './server.ts';

/** The inbox page: received events, newest first, each marked by its signature check. Refreshes itself. */
export function renderWebhookInbox(
  events: readonly ReceivedEvent[],
  state: { downUntilMs: number; refused: number },
): string {
  const now = Date.now();
  const down = state.downUntilMs > now;
  const rows = [...events]
    .reverse()
    .map((event) => {
      const badge = event.signature === 'valid' ? 'valid' : 'invalid';
      return `<li class="${badge}"><p><strong>${escapeHtml(event.type)}</strong> <code>${escapeHtml(event.id)}</code> <span class="badge">signature ${escapeHtml(event.signature)}</span>${event.duplicate ? ' <span class="badge">duplicate</span>' : ''}</p><p class="time">${escapeHtml(event.receivedAt)}</p><pre>${escapeHtml(JSON.stringify(JSON.parse(event.body), null, 2))}</pre></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Webhook inbox</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}
li{list-style:none;border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}
li.valid .badge:first-of-type{background:#d7f5dd}li.invalid .badge:first-of-type{background:#fbd5d5}
.badge{border-radius:4px;padding:0 .4rem;font-size:12px;background:#eee}.time{color:#666;margin:0}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}.down{color:#a00}
</style></head><body>
<h1>Webhook inbox</h1>
<p>Events the Worker delivered here, checked against the configured secrets (Standard Webhooks). ${
    down
      ? `<strong class="down">Answering 503 (down) for ${Math.ceil((state.downUntilMs - now) / 1000)} s more</strong>`
      : 'Answering 204.'
  } Refused while down: ${state.refused}.</p>
<form method="post" action="/__down"><input type="hidden" name="seconds" value="60"><button>Go down for 60 s</button></form>
<form method="post" action="/__up"><button>Come back up</button></form>
<ul>${rows || '<li>No events yet.</li>'}</ul>
</body></html>`;
}
