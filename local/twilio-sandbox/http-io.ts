import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BodyText, readBodyText } from '../support/http.ts';
import { sendJson as sendJsonBody } from '../support/http-responses.ts';
import { errorBody, type TwilioError } from './twilio-errors.ts';

/** Far more than a message or call request needs (a Twiml parameter is at most 4000 characters). */
export const MAX_BODY_BYTES = 64 * 1024;

export function readBody(request: IncomingMessage): Promise<BodyText> {
  return readBodyText(request, MAX_BODY_BYTES);
}

/** JSON with its charset named, as api.twilio.com sends it; the sandbox's own API answers the same way. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonBody(response, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** Every refusal, Twilio's or the sandbox's own, in Twilio's error shape. */
export function sendTwilioError(
  response: ServerResponse,
  error: TwilioError,
  headers: Record<string, string> = {},
): void {
  sendJson(response, error.status, errorBody(error), headers);
}

/** The sandbox's own refusals (not Twilio's): coded by their HTTP status. */
export function sendSandboxError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendTwilioError(response, { status, code: status, message }, headers);
}

export function sendMethodNotAllowed(response: ServerResponse, allowed: readonly string[]): void {
  sendSandboxError(response, 405, 'method not allowed', { allow: allowed.join(', ') });
}
