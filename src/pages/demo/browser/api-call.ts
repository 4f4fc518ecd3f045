import type { ErrorCode } from '../../../http/error-codes.ts';

/**
 * An error as the page handles it: the API's own `{"error": {...}}` body, or one the page makes up
 * when no such body arrived (`network` when the request never got an answer, `http_<status>` for
 * anything else, e.g. a proxy's HTML error page).
 */
export interface PageError {
  code: ErrorCode | 'network' | `http_${number}`;
  message?: string;
  retryAfterSeconds?: number;
  attemptsRemaining?: number;
  /** With `invalid_request` and `invalid_phone`: which field and what is wrong with it. */
  issues?: { field: string; problem: string }[];
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: PageError };

function isErrorBody(value: unknown): value is { error: PageError } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/** POSTs JSON to this origin's API. Never throws: every failure is a `PageError`. */
export function postJson<T>(path: string, body: unknown): Promise<ApiResult<T>> {
  return callApi<T>('POST', path, body);
}

/** Calls this origin's API (a body only for POST). Never throws: every failure is a `PageError`. */
export async function callApi<T>(
  method: 'POST' | 'GET' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(
      path,
      body === undefined
        ? { method }
        : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  } catch {
    return { ok: false, error: { code: 'network' } };
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok && data !== null) return { ok: true, data: data as T };
  if (isErrorBody(data)) return { ok: false, error: data.error };
  return {
    ok: false,
    error: { code: `http_${response.status}`, message: `The server answered ${response.status}.` },
  };
}
