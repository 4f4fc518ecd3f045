// Every Twilio error the sandbox answers, in one table: the code, the HTTP status it comes with and
// what it means. The REST API's error body is {code, message, more_info, status}
// (https://www.twilio.com/docs/usage/twilios-response; twilio-node src/base/RestException.ts reads
// exactly these), more_info pointing at the code's page of the Error and Warning Dictionary
// (https://www.twilio.com/docs/api/errors). Validation errors come with 400, as Twilio's own
// example for 21211 does; the codes of the delivery and call lifecycles (30xxx, 11200, 12100) never
// reach an HTTP response, only a callback's ErrorCode or a stored record.

export interface TwilioErrorInfo {
  status: number;
  title: string;
}

export const TWILIO_ERRORS = {
  // Account and API
  20003: {
    status: 401,
    title: 'Authenticate (wrong or missing credentials, or another account in the path)',
  },
  20404: { status: 404, title: 'The requested resource was not found' },
  20429: { status: 429, title: 'Too Many Requests (never processed, safe to retry)' },
  20500: { status: 500, title: 'Internal Server Error (a send may have happened: do not retry blindly)' },
  // Messages: sender, destination and content
  21211: { status: 400, title: "Invalid 'To' Phone Number" },
  21212: { status: 400, title: "Invalid 'From' Number" },
  21408: {
    status: 400,
    title: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
  },
  21602: { status: 400, title: 'Message body is required' },
  21603: { status: 400, title: "A 'From' or 'MessagingServiceSid' parameter is required to send a message" },
  21604: { status: 400, title: "'To' phone number is required to send a Message" },
  21609: { status: 400, title: "Invalid 'StatusCallback'" },
  21610: { status: 400, title: 'Attempt to send to unsubscribed recipient' },
  21617: { status: 400, title: 'The concatenated message body exceeds the 1600 character limit' },
  21624: { status: 400, title: 'Invalid validity period value (1 to 36000 seconds)' },
  21659: { status: 400, title: "'From' is not a Twilio phone number or Short Code country mismatch" },
  21705: { status: 400, title: 'The Messaging Service is invalid' },
  // Calls
  21200: { status: 400, title: 'Calls Resource (no Url or Twiml, or an invalid parameter)' },
  21201: { status: 400, title: "No 'To' number specified" },
  21210: { status: 400, title: "'From' phone number not verified" },
  21213: { status: 400, title: "'From' phone number is required" },
  21215: { status: 400, title: 'Geo Permission configuration is not permitting call' },
  21217: { status: 400, title: 'Phone number does not appear to be valid' },
  21626: { status: 400, title: "Invalid 'StatusCallbackEvent'" },
  // Lifecycle codes (callbacks and records only)
  11200: { status: 0, title: 'HTTP retrieval failure (the call Url could not be fetched)' },
  12100: { status: 0, title: 'Document parse failure (the TwiML could not be read)' },
  12102: { status: 0, title: 'The root element must be Response' },
  30003: { status: 0, title: 'Unreachable destination handset' },
  30008: { status: 0, title: 'Unknown error' },
} as const satisfies Record<number, TwilioErrorInfo>;

export type TwilioErrorCode = keyof typeof TWILIO_ERRORS;

/** An error as the REST API answers it. */
export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

/** A documented API error with its status; the message says what was wrong with this request. */
export function twilioError(code: TwilioErrorCode, message: string): TwilioError {
  return { status: TWILIO_ERRORS[code].status, code, message };
}

/** The code's page in Twilio's dictionary; null for the sandbox's own refusals, coded by HTTP status. */
export function moreInfoUrl(code: number): string | null {
  return code >= 10_000 ? `https://www.twilio.com/docs/errors/${code}` : null;
}

export function errorBody(error: TwilioError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    more_info: moreInfoUrl(error.code),
    status: error.status,
  };
}

// What an injected fault (local/support/faults.ts) answers: Twilio's code for the statuses it
// documents, else the HTTP status itself (Twilio's dictionary has 400 and 403 as codes too).
const FAULT_CODES: Record<number, number> = { 401: 20003, 404: 20404, 429: 20429, 500: 20500 };

export function faultError(status: number): TwilioError {
  return { status, code: FAULT_CODES[status] ?? status, message: `HTTP ${status} (sandbox fault injection)` };
}
