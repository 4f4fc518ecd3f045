// The Call resource as the REST API answers it (201 on create), fields as twilio-oai's
// api.v2010.account.call and the examples of https://www.twilio.com/docs/voice/api/call-resource.

import type { SandboxCall } from './calls.ts';
import { API_VERSION, rfc2822 } from './resource-ids.ts';

export function callResource(accountSid: string, call: SandboxCall): Record<string, unknown> {
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Calls/${call.sid}.json`;
  const sub = (name: string) => uri.replace(/\.json$/, `/${name}.json`);
  return {
    account_sid: accountSid,
    annotation: null,
    answered_by: call.answeredBy,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(new Date(call.dateCreated)),
    date_updated: rfc2822(new Date()),
    direction: 'outbound-api',
    duration: call.duration === null ? null : String(call.duration),
    end_time: call.endTime === null ? null : rfc2822(new Date(call.endTime)),
    forwarded_from: null,
    from: call.from,
    from_formatted: formatted(call.from),
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: call.sid,
    start_time: call.startTime === null ? null : rfc2822(new Date(call.startTime)),
    status: call.status,
    subresource_uris: {
      notifications: sub('Notifications'),
      recordings: sub('Recordings'),
      events: sub('Events'),
    },
    to: call.to,
    to_formatted: formatted(call.to),
    trunk_sid: null,
    uri,
  };
}

/** North American numbers as "(415) 867-5309", others in E.164, as the resource's *_formatted fields show them. */
export function formatted(number: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}
