// Requests the sandbox makes to the application, as Twilio makes them: form-encoded POST (or GET
// with the parameters in the query, where the API let the caller choose), built by
// local/support/webhook-request.ts and signed with X-Twilio-Signature from the account's auth token
// (signature.ts). One attempt each: a receiver that is down or answers 5xx loses that request, as
// it would by default with Twilio, whose retries are opt-in (connection overrides #rc/#rp in the
// URL, or Webhook Settings whose retry_count defaults to 0:
// https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).

import { type FormParam, formWebhook, type OutgoingWebhook } from '../support/webhook-request.ts';
import { SIGNATURE_HEADER, twilioSignature } from './signature.ts';

/** The request, signed: a GET signs its full URL (the parameters are in it), a POST the URL and its parameters. */
export function buildSignedWebhook(
  authToken: string,
  target: { url: string; method: 'GET' | 'POST' },
  params: readonly FormParam[],
): OutgoingWebhook {
  const webhook = formWebhook(target, params, { 'user-agent': 'otp-edge-twilio-sandbox' });
  webhook.headers[SIGNATURE_HEADER] = twilioSignature(
    authToken,
    webhook.url,
    webhook.method === 'GET' ? [] : params,
  );
  return webhook;
}
