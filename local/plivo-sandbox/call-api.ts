// Validation of `POST /v1/Account/{auth_id}/Call/` bodies, Plivo's way (Call API, "Make a call";
// plivo-node `calls.create`): `from`, `to` and `answer_url` required, one destination, the optional
// fields the service may use checked for range. Fields the sandbox does not model (ring_url,
// fallback_url, send_digits, sip_headers, ...) are ignored, as Plivo ignores what it does not know.

import { type CallbackMethod, isHttpUrl, isJsonContentType, parseMethod } from './message-api.ts';
import { isPhoneNumber, phoneDigits, refusalOfNumber } from './messages.ts';

/** How Plivo requests a call's answer and hangup URLs: as for message callbacks. */
export type HttpMethod = CallbackMethod;

export interface CallRequest {
  from: string;
  to: string;
  answerUrl: string;
  answerMethod: HttpMethod;
  hangupUrl: string | null;
  hangupMethod: HttpMethod;
  timeLimit: number | null;
  ringTimeout: number | null;
  /** Plivo's answering-machine detection: `hangup` on a machine, or `true` to tell the answer URL. */
  machineDetection: 'true' | 'hangup' | null;
  /** How long detection listens, in ms (Plivo: 2000-10000, default 5000). */
  machineDetectionTimeMs: number;
}

export type CallParse = { ok: true; request: CallRequest } | { ok: false; error: string };

// Plivo's documented ranges: time_limit defaults to 4 hours and calls end at 24 hours whatever it
// says; ring_timeout defaults to 120 s.
const MAX_TIME_LIMIT_SECONDS = 86_400;
const MAX_RING_TIMEOUT_SECONDS = 120;
// plivo-node `calls.create`: machine_detection_time "should be an integer >= 2000 and <= 10000 and the
// unit is ms. The default value is 5000 ms."
const MIN_MACHINE_DETECTION_MS = 2_000;
const MAX_MACHINE_DETECTION_MS = 10_000;
const DEFAULT_MACHINE_DETECTION_MS = 5_000;

export function parseCallRequest(contentType: string | undefined, rawBody: string): CallParse {
  if (!isJsonContentType(contentType)) return fail('content type must be application/json');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return fail('invalid json data');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('invalid json data: expected an object');
  }
  return validateCallBody(body as Record<string, unknown>);
}

export function validateCallBody(body: Record<string, unknown>): CallParse {
  const from = requiredString(body.from, 'from');
  if (!from.ok) return from;
  if (!isPhoneNumber(from.value)) return fail('invalid from: expected a phone number with its country code');
  const to = requiredString(body.to, 'to');
  if (!to.ok) return to;
  // The service calls one number at a time; `<` (bulk dialling) or a SIP URI here would hide a bug.
  if (to.value.includes('<'))
    return fail("multiple destinations (to joined with '<') are not supported by the sandbox");
  if (!isPhoneNumber(to.value)) return fail('invalid to: expected a phone number with its country code');
  if (phoneDigits(from.value) === phoneDigits(to.value)) return fail('from and to cannot be same');
  const refused = refusalOfNumber('to', to.value);
  if (refused !== null) return fail(refused);

  const answerUrl = requiredString(body.answer_url, 'answer_url');
  if (!answerUrl.ok) return answerUrl;
  if (!isHttpUrl(answerUrl.value)) return fail('invalid answer_url: expected an http(s) URL');
  const answerMethod = parseMethod(body.answer_method);
  if (answerMethod === null) return fail('invalid answer_method: expected GET or POST');

  const hangupUrl = body.hangup_url ?? null;
  if (hangupUrl !== null && hangupUrl !== '' && (typeof hangupUrl !== 'string' || !isHttpUrl(hangupUrl))) {
    return fail('invalid hangup_url: expected an http(s) URL');
  }
  const hangupMethod = parseMethod(body.hangup_method);
  if (hangupMethod === null) return fail('invalid hangup_method: expected GET or POST');

  const timeLimit = optionalInteger(body.time_limit, 1, MAX_TIME_LIMIT_SECONDS);
  if (timeLimit === undefined)
    return fail(`time_limit must be an integer between 1 and ${MAX_TIME_LIMIT_SECONDS}`);
  const ringTimeout = optionalInteger(body.ring_timeout, 1, MAX_RING_TIMEOUT_SECONDS);
  if (ringTimeout === undefined) {
    return fail(`ring_timeout must be an integer between 1 and ${MAX_RING_TIMEOUT_SECONDS}`);
  }
  const machineDetection = parseMachineDetection(body.machine_detection);
  if (machineDetection === undefined) return fail('invalid machine_detection: expected true or hangup');
  const machineDetectionTime = optionalInteger(
    body.machine_detection_time,
    MIN_MACHINE_DETECTION_MS,
    MAX_MACHINE_DETECTION_MS,
  );
  if (machineDetectionTime === undefined) {
    return fail(
      `machine_detection_time must be an integer between ${MIN_MACHINE_DETECTION_MS} and ${MAX_MACHINE_DETECTION_MS}`,
    );
  }

  return {
    ok: true,
    request: {
      from: from.value,
      to: to.value,
      answerUrl: answerUrl.value,
      answerMethod,
      hangupUrl: typeof hangupUrl === 'string' && hangupUrl !== '' ? hangupUrl : null,
      hangupMethod,
      timeLimit,
      ringTimeout,
      machineDetection,
      machineDetectionTimeMs: machineDetectionTime ?? DEFAULT_MACHINE_DETECTION_MS,
    },
  };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

// Worded like Plivo's own answer to a call without answer_url ("answer_url parameter is missing").
function requiredString(
  value: unknown,
  name: string,
): { ok: true; value: string } | { ok: false; error: string } {
  if (value === undefined || value === null || value === '') return fail(`${name} parameter is missing`);
  if (typeof value !== 'string') return fail(`${name} must be a string`);
  return { ok: true, value };
}

/** null when absent, undefined when present but out of range. Digit strings count: Plivo's API is form-born. */
function optionalInteger(value: unknown, min: number, max: number): number | null | undefined {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max)
    return undefined;
  return number;
}

function parseMachineDetection(value: unknown): 'true' | 'hangup' | null | undefined {
  if (value === undefined || value === null || value === '' || value === false || value === 'false')
    return null;
  if (value === true || value === 'true') return 'true';
  if (value === 'hangup') return 'hangup';
  return undefined;
}
