import { OtpClientError } from './otp-client-error.ts';
import type { OtpApiError } from './wire-types.ts';

/** Every answer of the API as one value: branch on `ok`, then on `error.code`. */
export type OtpResult<T> = { ok: true; data: T } | { ok: false; status: number; error: OtpApiError };

/**
 * Turns a response into a result. Only the envelope is checked (`{"error":{"code","message"}}` on
 * a failure): the body's fields are the server's to define, and a newer server may add some.
 */
export async function readResult<T>(response: Response, path: string): Promise<OtpResult<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new OtpClientError(`${path}: HTTP ${response.status} without a JSON body`, response.status);
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
  throw new OtpClientError(`${path}: HTTP ${response.status} with an unexpected body`, response.status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
