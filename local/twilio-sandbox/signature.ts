// X-Twilio-Signature, as Twilio signs every webhook it sends (status callbacks, the call's Url):
//   base64(HMAC-SHA1(auth token, url + name1 + value1 + name2 + value2 ...))
// where url is the full URL Twilio requested, query included, and the POST parameters follow
// sorted by name (a name sent several times: its distinct values sorted, each as name + value). A
// GET carries its parameters in the URL and signs the URL alone. Read in twilio-node's
// src/webhooks/webhooks.ts (getExpectedTwilioSignature, validateRequest): the URL goes through
// `new URL(url).toString()` first, names sort with JavaScript's default (UTF-16 code unit) order,
// and the key is the auth token even when the API request was made with an API key
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security).

import { createHmac } from 'node:crypto';
import type { FormParam } from '../support/webhook-request.ts';

/** One form field as sent, in order; a name may repeat. */
export type WebhookParam = FormParam;

export const SIGNATURE_HEADER = 'x-twilio-signature';

/** The exact string that gets HMAC'd; exported so tests and debugging can see it. */
export function signaturePayload(url: string, params: readonly WebhookParam[]): string {
  const valuesByName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = valuesByName.get(name) ?? new Set<string>();
    values.add(value);
    valuesByName.set(name, values);
  }
  let payload = new URL(url).toString();
  for (const name of [...valuesByName.keys()].sort()) {
    for (const value of [...(valuesByName.get(name) ?? [])].sort()) payload += name + value;
  }
  return payload;
}

export function twilioSignature(authToken: string, url: string, params: readonly WebhookParam[]): string {
  return createHmac('sha1', authToken).update(signaturePayload(url, params), 'utf8').digest('base64');
}
