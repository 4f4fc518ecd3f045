// The Message resource as the REST API answers it (201 on create), fields as twilio-oai's
// api.v2010.account.message and the example of https://www.twilio.com/docs/messaging/api/message-resource:
// snake_case, dates in RFC 2822, numbers as strings where Twilio sends strings (num_segments).

import type { SandboxMessage } from './messages.ts';
import { API_VERSION, rfc2822 } from './resource-ids.ts';

export function messageUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

export function messageResource(accountSid: string, message: SandboxMessage): Record<string, unknown> {
  const uri = messageUri(accountSid, message.sid);
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: rfc2822(new Date(message.dateCreated)),
    date_sent: message.dateSent === null ? null : rfc2822(new Date(message.dateSent)),
    date_updated: rfc2822(new Date(message.dateUpdated)),
    direction: 'outbound-api',
    error_code: message.errorCode,
    // Twilio leaves this null on outbound failures too; the code is what to act on.
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: String(message.numSegments),
    price: null,
    price_unit: null,
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to: message.to,
    uri,
  };
}
