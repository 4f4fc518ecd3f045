// `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` parameters, checked Twilio's way (the create
// parameters of https://www.twilio.com/docs/voice/api/call-resource and twilio-oai's
// CreateCallRequest): To and From required, the instructions from Url (fetched with Method, default
// POST) or Twiml (at most 4000 characters; ignored when Url is given), StatusCallback with
// StatusCallbackMethod and StatusCallbackEvent (initiated, ringing, answered, completed; only
// completed when none is given), MachineDetection Enable or DetectMessageEnd, Timeout up to 600 s.
// SIP and client addresses, ApplicationSid, recordings and the rest are not emulated.

import type { CallEvent, MachineDetection } from './calls.ts';
import type { FormParams } from './form-params.ts';
import { callRefusalFor, E164 } from './scripted-numbers.ts';
import { type TwilioError, type TwilioErrorCode, twilioError } from './twilio-errors.ts';
import { isWebhookUrl, parseHttpMethod } from './webhook-url.ts';

export interface CallRequest {
  to: string;
  from: string;
  url: string | null;
  method: 'GET' | 'POST';
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  statusCallbackEvents: CallEvent[];
  machineDetection: MachineDetection | null;
  timeoutSeconds: number;
}

export type CallRequestParse = { ok: true; request: CallRequest } | { ok: false; error: TwilioError };

export const MAX_TWIML_CHARACTERS = 4000;
const MAX_TIMEOUT_SECONDS = 600;
const DEFAULT_TIMEOUT_SECONDS = 60;
const CALL_EVENTS: readonly CallEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

export function parseCallRequest(
  params: FormParams,
  callerIds: readonly string[],
  geoDeniedPrefixes: readonly string[],
): CallRequestParse {
  const to = params.get('To');
  if (to === null) return refuse(21201, "No 'To' number is specified");
  if (!E164.test(to))
    return refuse(21217, `The phone number you are attempting to call, ${to}, is not valid.`);
  const from = params.get('From');
  if (from === null) return refuse(21213, "No 'From' number is specified");
  if (!E164.test(from)) return refuse(21212, `The 'From' number ${from} is not a valid phone number.`);
  if (!callerIds.includes(from)) {
    return refuse(21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
  }

  const url = params.get('Url');
  const twiml = url === null ? params.get('Twiml') : null;
  if (url === null && twiml === null) return refuse(21200, 'Either a Url or Twiml parameter is required.');
  if (url !== null && !isWebhookUrl(url)) return refuse(21200, `Url is not a valid URL: ${url}`);
  if (twiml !== null && [...twiml].length > MAX_TWIML_CHARACTERS) {
    return refuse(21200, `Twiml is longer than ${MAX_TWIML_CHARACTERS} characters.`);
  }
  const method = parseHttpMethod(params.get('Method'));
  if (method === null) return refuse(21200, 'Method must be GET or POST.');

  const statusCallback = params.get('StatusCallback');
  if (statusCallback !== null && !isWebhookUrl(statusCallback)) {
    return refuse(21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
  }
  const statusCallbackMethod = parseHttpMethod(params.get('StatusCallbackMethod'));
  if (statusCallbackMethod === null) return refuse(21200, 'StatusCallbackMethod must be GET or POST.');
  // One event per parameter, as documented; space-separated values (as TwiML writes them) are read too.
  const events = params.all('StatusCallbackEvent').flatMap((value) => value.split(/\s+/).filter(Boolean));
  const unknown = events.find((event) => !CALL_EVENTS.includes(event as CallEvent));
  if (unknown !== undefined) return refuse(21626, `Invalid StatusCallbackEvent: ${unknown}`);
  const statusCallbackEvents =
    events.length === 0 ? ['completed' as const] : [...new Set(events as CallEvent[])];

  const machineDetection = parseMachineDetection(params.get('MachineDetection'));
  if (machineDetection === undefined)
    return refuse(21200, 'MachineDetection must be Enable or DetectMessageEnd.');
  const rawTimeout = params.get('Timeout');
  const timeoutSeconds = rawTimeout === null ? DEFAULT_TIMEOUT_SECONDS : Number(rawTimeout);
  if (!/^[0-9]+$/.test(rawTimeout ?? '0') || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    return refuse(21200, `Timeout must be an integer between 1 and ${MAX_TIMEOUT_SECONDS}.`);
  }

  if (callRefusalFor(to, geoDeniedPrefixes) === 21215) {
    return refuse(
      21215,
      `Account not authorized to call ${to}. Perhaps you need to enable some international permissions.`,
    );
  }
  return {
    ok: true,
    request: {
      to,
      from,
      url,
      method,
      twiml,
      statusCallback,
      statusCallbackMethod,
      statusCallbackEvents,
      machineDetection,
      timeoutSeconds,
    },
  };
}

// Documented as Enable and DetectMessageEnd; Twilio's own request example writes "enable", so case is not held against it.
function parseMachineDetection(value: string | null): MachineDetection | null | undefined {
  if (value === null) return null;
  const lower = value.toLowerCase();
  if (lower === 'enable') return 'Enable';
  if (lower === 'detectmessageend') return 'DetectMessageEnd';
  return undefined;
}

function refuse(code: TwilioErrorCode, message: string): CallRequestParse {
  return { ok: false, error: twilioError(code, message) };
}
