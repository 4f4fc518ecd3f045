import { OtpClientError } from './otp-client-error.ts';
import type { OtpApiError } from './wire-types.ts';

/** Every answer of the API as one value: branch on `ok`, then on `error.code`. */
export type OtpResult<T> = { ok: true; data: T } | { ok: false; status: number; error: OtpApiError };

/**
 * Turns a response into a result. Only the envelope is checked (`{"error":{"code","message"}}` on
 * a failure): the body's fields are the server's to define, and a newer server may add some.
 */
export async function readResult<T>(response: Response, path: string): Promise<OtpResult<T>> {
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    // The status arrived, the body did not: the connection broke, or the time ran out, mid-body.
    throw transportError(cause, path, response.status);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new OtpClientError('invalid_response', `${path}: HTTP ${response.status} without a JSON body`, {
      status: response.status,
      cause,
    });
  }
  if (response.ok && isObject(body)) return { ok: true, data: body as T };
  const error = isObject(body) ? body.error : undefined;
  if (
    !response.ok &&
    isObject(error) &&
    typeof error.code === 'string' &&
    typeof error.message === 'string'
  ) {
    return { ok: false, status: response.status, error: error as unknown as OtpApiError };
  }
  throw new OtpClientError('invalid_response', `${path}: HTTP ${response.status} with an unexpected body`, {
    status: response.status,
  });
}

/** fetch's failure (a `TypeError` on every runtime) or the timeout's abort, as an OtpClientError. */
export function transportError(cause: unknown, path: string, status?: number): OtpClientError {
  const name = cause instanceof Error || cause instanceof DOMException ? cause.name : '';
  if (name === 'TimeoutError')
    return new OtpClientError('timeout', `${path}: no complete answer in time`, { status, cause });
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OtpClientError('network_error', `${path}: ${reason}`, { status, cause });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
