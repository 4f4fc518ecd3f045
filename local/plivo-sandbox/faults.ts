// Fault injection: arm the next N sends to fail with a given status and/or to hang first, so tests
// can exercise the service's handling of Plivo outages, rate limits and slow answers.

export interface Fault {
  /** HTTP status to answer with instead of accepting; null = answer normally (after the delay). */
  status: number | null;
  delayMs: number;
  remaining: number;
}

export type FaultParseResult = { ok: true; fault: Fault } | { ok: false; error: string };

/** Long enough to outlast any client timeout, short enough that a forgotten fault does not hang a run forever. */
export const MAX_FAULT_DELAY_MS = 120_000;

const FAULT_ERROR_TEXT: Record<number, string> = {
  400: 'invalid parameter',
  401: 'authentication failed',
  404: 'not found',
  429: 'too many requests',
  500: 'internal server error',
};

export function faultErrorText(status: number): string {
  return `${FAULT_ERROR_TEXT[status] ?? 'error'} (sandbox fault injection)`;
}

/** Accepts `{"status": 400..599, "count": n, "delayMs": ms}`; at least one of status and delayMs. */
export function parseFault(raw: string): FaultParseResult {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'invalid json data' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'invalid json data: expected an object' };
  }
  const { status = null, count = 1, delayMs = 0 } = body as Record<string, unknown>;
  const failStatus = status === null ? null : isIntegerIn(status, 400, 599) ? status : undefined;
  if (failStatus === undefined) return { ok: false, error: 'status must be an HTTP error status (400..599)' };
  if (!isIntegerIn(count, 1, 1_000_000)) return { ok: false, error: 'count must be a positive integer' };
  if (!isIntegerIn(delayMs, 0, MAX_FAULT_DELAY_MS)) {
    return { ok: false, error: `delayMs must be an integer between 0 and ${MAX_FAULT_DELAY_MS}` };
  }
  if (failStatus === null && delayMs === 0) return { ok: false, error: 'give a status, a delayMs, or both' };
  return { ok: true, fault: { status: failStatus, delayMs, remaining: count } };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Holds at most one armed fault: arming again replaces it rather than queueing behind it. */
export class FaultInjector {
  #armed: Fault | null = null;

  arm(fault: Fault): void {
    this.#armed = { ...fault };
  }

  clear(): void {
    this.#armed = null;
  }

  current(): Fault | null {
    return this.#armed ? { ...this.#armed } : null;
  }

  /** The fault that applies to this send, if any; each call uses one of the armed count. */
  take(): Fault | null {
    const armed = this.#armed;
    if (!armed) return null;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed = null;
    return { ...armed };
  }
}
