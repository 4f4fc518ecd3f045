// Requests a sandbox makes to the application (status callbacks, a call's document, its hangup),
// made the way both vendors make them: the parameters as a form body on POST, or in the query of a
// GET; one attempt each, no redirect followed, given up after 5 s. How a request is signed is each
// vendor's own (twilio-sandbox/signature.ts, plivo-sandbox/signature-v3.ts).

import { describeError } from './background-runs.ts';

/** One form field as sent, in order; a name may repeat. */
export type FormParam = readonly [name: string, value: string];

export type WebhookMethod = 'GET' | 'POST';

export interface OutgoingWebhook {
  url: string;
  method: WebhookMethod;
  headers: Record<string, string>;
  body: string | null;
}

const WEBHOOK_TIMEOUT_MS = 5_000;

/** The request to `target` carrying `params`: in the query of a GET (appended to any it has), else a form body. */
export function formWebhook(
  target: { url: string; method: WebhookMethod },
  params: readonly FormParam[],
  headers: Record<string, string>,
): OutgoingWebhook {
  const encoded = new URLSearchParams(params.map(([name, value]) => [name, value])).toString();
  if (target.method === 'GET') {
    return { url: withQuery(target.url, encoded), method: 'GET', headers: { ...headers }, body: null };
  }
  return {
    url: target.url,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: encoded,
  };
}

function withQuery(url: string, encoded: string): string {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  if (encoded === '') return withoutFragment;
  if (!withoutFragment.includes('?')) return `${withoutFragment}?${encoded}`;
  const separator = withoutFragment.endsWith('?') || withoutFragment.endsWith('&') ? '' : '&';
  return `${withoutFragment}${separator}${encoded}`;
}

/** One attempt; resolves with the receiver's answer (its body unread), rejects on network errors and the timeout. */
function sendWebhook(webhook: OutgoingWebhook, signal: AbortSignal): Promise<Response> {
  return fetch(webhook.url, {
    method: webhook.method,
    headers: webhook.headers,
    body: webhook.body,
    redirect: 'manual',
    signal: AbortSignal.any([signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
  });
}

/**
 * Sends a request whose answer the sandbox reads (a call's document): its status and body, or why
 * it could not be had (unreachable, timed out, cut off); a cancellation (`signal`) is rethrown.
 */
export async function fetchWebhookAnswer(
  webhook: OutgoingWebhook,
  signal: AbortSignal,
): Promise<{ ok: true; status: number; body: string } | { ok: false; error: string }> {
  try {
    const response = await sendWebhook(webhook, signal);
    return { ok: true, status: response.status, body: await response.text() };
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, error: describeError(error) };
  }
}

/**
 * Sends a callback whose answer is not part of the protocol (a status or hangup callback). A
 * receiver that is down or answers non-2xx is logged as `{label}: HTTP n` or `{label} failed: why`
 * and does not stop what the sandbox is playing; a cancellation (`signal`) is rethrown.
 */
export async function deliverWebhook(
  webhook: OutgoingWebhook,
  signal: AbortSignal,
  report: { label: string; log: (line: string) => void },
): Promise<void> {
  try {
    const response = await sendWebhook(webhook, signal);
    // Drain so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299)
      report.log(`${report.label}: HTTP ${response.status}`);
  } catch (error) {
    if (signal.aborted) throw error;
    report.log(`${report.label} failed: ${describeError(error)}`);
  }
}
