// Validation of `POST /v1/Account/{auth_id}/Message/` bodies, Plivo's way: JSON only, exactly one
// sender, a single destination, and the optional fields the service uses checked for range. The
// same endpoint sends WhatsApp (`type: "whatsapp"`): a WhatsApp Business number as `src` and an
// approved template instead of free text (docs/plivo.md, "WhatsApp").
// Fields the sandbox does not model (dlt_*, trackable, media_urls, ...) are ignored, as Plivo ignores
// parameters it does not know.

import { isPhoneNumber, type MessageType, phoneDigits, refusalOfNumber } from './messages.ts';
import { parseWhatsAppTemplate, type WhatsAppTemplate } from './whatsapp-template.ts';

export type CallbackMethod = 'GET' | 'POST';
export type LogSetting = boolean | 'number_only' | 'content_only';

export interface SendRequest {
  src: string | null;
  powerpackUuid: string | null;
  dst: string;
  type: MessageType;
  text: string | null;
  template: WhatsAppTemplate | null;
  url: string | null;
  method: CallbackMethod;
  log: LogSetting;
  messageExpiry: number | null;
}

export type ParseResult = { ok: true; request: SendRequest } | { ok: false; error: string };

/** Plivo's documented limit for one request; longer texts are rejected, not truncated. */
export const MAX_TEXT_CHARACTERS = 1600;
export const MESSAGE_EXPIRY_MIN_SECONDS = 5;
export const MESSAGE_EXPIRY_MAX_SECONDS = 10799;

// A Plivo number, a short code, or an alphanumeric sender ID (at most 11 characters, at least one letter).
const ALPHANUMERIC_SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SHORT_CODE_OR_NUMBER = /^\+?[0-9]{3,15}$/;

export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** From the raw request to a validated send, or the first problem found, worded like Plivo's errors. */
export function parseSendRequest(contentType: string | undefined, rawBody: string): ParseResult {
  if (!isJsonContentType(contentType)) return fail('content type must be application/json');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return fail('invalid json data');
  }
  if (!isPlainObject(body)) return fail('invalid json data: expected an object');
  return validateSendBody(body);
}

export function validateSendBody(body: Record<string, unknown>): ParseResult {
  const src = optionalString(body.src);
  const powerpackUuid = optionalString(body.powerpack_uuid);
  if (src === undefined) return fail('src must be a string');
  if (powerpackUuid === undefined) return fail('powerpack_uuid must be a string');
  if (src !== null && powerpackUuid !== null) return fail('src and powerpack_uuid both cannot be present');
  if (src === null && powerpackUuid === null) return fail('either src or powerpack_uuid is required');
  if (src !== null && !SHORT_CODE_OR_NUMBER.test(src) && !ALPHANUMERIC_SENDER_ID.test(src)) {
    return fail('invalid src: expected a phone number or an alphanumeric sender ID of at most 11 characters');
  }

  const dst = optionalString(body.dst);
  if (dst === undefined) return fail('dst must be a string');
  if (dst === null) return fail('dst parameter is required');
  // The service never sends to several numbers at once; accepting `<` here would hide such a bug.
  if (dst.includes('<'))
    return fail("multiple destinations (dst joined with '<') are not supported by the sandbox");
  if (!isPhoneNumber(dst)) return fail('invalid dst: expected a phone number in E.164 format, + optional');
  if (src !== null && phoneDigits(src) === phoneDigits(dst)) return fail('src and dst cannot be same');
  const refused = refusalOfNumber('dst', dst);
  if (refused !== null) return fail(refused);

  const type = body.type ?? 'sms';
  if (type !== 'sms' && type !== 'whatsapp') return fail('invalid type: only sms and whatsapp are supported');
  const content = type === 'sms' ? smsContent(body) : whatsAppContent(body, src);
  if (!content.ok) return content;
  const { text, template } = content;

  const url = optionalString(body.url);
  if (url === undefined || (url !== null && !isHttpUrl(url)))
    return fail('invalid url: expected an http(s) URL');

  const method = parseMethod(body.method);
  if (method === null) return fail('invalid method: expected GET or POST');

  const log = parseLog(body.log);
  if (log === null) return fail('invalid log: expected true, false, number_only or content_only');

  const messageExpiry = body.message_expiry ?? null;
  if (
    messageExpiry !== null &&
    !(
      Number.isInteger(messageExpiry) &&
      typeof messageExpiry === 'number' &&
      messageExpiry >= MESSAGE_EXPIRY_MIN_SECONDS &&
      messageExpiry <= MESSAGE_EXPIRY_MAX_SECONDS
    )
  ) {
    return fail(
      `message_expiry must be an integer between ${MESSAGE_EXPIRY_MIN_SECONDS} and ${MESSAGE_EXPIRY_MAX_SECONDS}`,
    );
  }

  return {
    ok: true,
    request: { src, powerpackUuid, dst, type, text, template, url, method, log, messageExpiry },
  };
}

type Content =
  | { ok: true; text: string | null; template: WhatsAppTemplate | null }
  | { ok: false; error: string };

function smsContent(body: Record<string, unknown>): Content {
  if (body.text === undefined || body.text === null || body.text === '')
    return fail('text parameter is required');
  if (typeof body.text !== 'string') return fail('text must be a string');
  if ([...body.text].length > MAX_TEXT_CHARACTERS)
    return fail(`text exceeds ${MAX_TEXT_CHARACTERS} characters`);
  if (body.template !== undefined) return fail('template is only valid with type whatsapp');
  return { ok: true, text: body.text, template: null };
}

// Free text on WhatsApp is allowed only inside the 24-hour window a user opens by writing first; a
// code goes to someone who has not, so the sandbox always asks for a template. Text next to a
// template is refused rather than silently dropped (docs/plivo.md says which part of this is confirmed).
function whatsAppContent(body: Record<string, unknown>, src: string | null): Content {
  if (src === null) return fail('src is required for whatsapp: the WhatsApp Business number (no powerpack)');
  if (!isPhoneNumber(src))
    return fail('invalid src: a WhatsApp sender must be the WhatsApp Business phone number');
  if (body.template === undefined || body.template === null) {
    return fail('template parameter is required for whatsapp outside a 24-hour session window');
  }
  if (body.text !== undefined && body.text !== null && body.text !== '') {
    return fail('text and template cannot both be present');
  }
  const parsed = parseWhatsAppTemplate(body.template);
  return parsed.ok ? { ok: true, text: null, template: parsed.template } : parsed;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** null when absent (missing, null or empty: Plivo treats an empty parameter as not given), undefined when not a string. */
function optionalString(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' ? value : undefined;
}

/** Case-insensitive: `post` is unambiguous, and the sandbox should not fail a request over a detail
 * Plivo's documentation does not settle. Empty means Plivo's default, POST. */
export function parseMethod(value: unknown): CallbackMethod | null {
  if (value === undefined || value === null || value === '') return 'POST';
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return upper === 'GET' || upper === 'POST' ? upper : null;
}

export function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

// Plivo's form-encoded heritage: the strings "true"/"false" mean the booleans.
function parseLog(value: unknown): LogSetting | null {
  if (value === undefined || value === null) return true;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  if (value === 'number_only' || value === 'content_only') return value;
  return null;
}
