// Requests the sandbox makes to the application, as Twilio makes them: form-encoded POST (or GET
// with the parameters in the query, where the API let the caller choose), each signed with
// X-Twilio-Signature from the account's auth token (signature.ts). One attempt each: a receiver
// that is down or answers 5xx loses that request, as it would by default with Twilio, whose
// retries are opt-in (connection overrides #rc/#rp in the URL, or Webhook Settings whose
// retry_count defaults to 0: https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).

import { SIGNATURE_HEADER, twilioSignature, type WebhookParam } from './signature.ts';

export interface OutgoingWebhook {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | null;
}

const WEBHOOK_TIMEOUT_MS = 5_000;

export function buildSignedWebhook(
  authToken: string,
  target: { url: string; method: 'GET' | 'POST' },
  params: readonly WebhookParam[],
): OutgoingWebhook {
  const encoded = new URLSearchParams(params.map(([name, value]) => [name, value])).toString();
  const headers: Record<string, string> = { 'user-agent': 'otp-edge-twilio-sandbox' };
  if (target.method === 'GET') {
    const url = appendQuery(target.url, encoded);
    headers[SIGNATURE_HEADER] = twilioSignature(authToken, url, []);
    return { url, method: 'GET', headers, body: null };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  headers[SIGNATURE_HEADER] = twilioSignature(authToken, target.url, params);
  return { url: target.url, method: 'POST', headers, body: encoded };
}

function appendQuery(url: string, encoded: string): string {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  if (encoded === '') return withoutFragment;
  if (!withoutFragment.includes('?')) return `${withoutFragment}?${encoded}`;
  const separator = withoutFragment.endsWith('?') || withoutFragment.endsWith('&') ? '' : '&';
  return `${withoutFragment}${separator}${encoded}`;
}

export interface WebhookAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** Sends one webhook; resolves with the answer, rejects on network errors and timeouts. */
export async function sendWebhook(webhook: OutgoingWebhook, signal: AbortSignal): Promise<WebhookAnswer> {
  const response = await fetch(webhook.url, {
    method: webhook.method,
    headers: webhook.headers,
    body: webhook.body,
    redirect: 'manual',
    signal: AbortSignal.any([signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}
