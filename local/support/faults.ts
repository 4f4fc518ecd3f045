// Scripted failures for the local servers (the Redis REST server's /__faults, the sandboxes'
// /__sandbox/faults): the next `count` requests (after `skip` served normally) answer an HTTP
// error status, wait `delayMs` first, or both, so tests can exercise a service's handling of a
// sick store or SMS provider, also in the middle of a request that makes several calls.

import { setTimeout as sleep } from 'node:timers/promises';

export interface FaultPlan {
  /** HTTP status to answer with instead of serving; null = serve normally (after the delay). */
  status: number | null;
  delayMs: number;
  /** Requests this plan still applies to. */
  remaining: number;
  /** Requests still to serve normally before the plan applies. */
  skip: number;
}

export type FaultPlanParse = { ok: true; plan: FaultPlan } | { ok: false; error: string };

/** Long enough to outlast any client timeout, short enough that a forgotten fault does not hang a run forever. */
export const MAX_FAULT_DELAY_MS = 120_000;
const MAX_FAULT_COUNT = 1_000_000;

/**
 * Accepts `{"status": 400..599, "delayMs": ms, "count": n, "skip": n}` (count default 1, skip
 * default 0), with a status, a delay, or both.
 */
export function parseFaultPlan(body: unknown): FaultPlanParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: 'expected a JSON object like {"status": 503, "count": 2} or {"delayMs": 500}',
    };
  }
  const { status = null, count = 1, delayMs = 0, skip = 0 } = body as Record<string, unknown>;
  if (status !== null && !isIntegerIn(status, 400, 599)) {
    return { ok: false, error: '"status" must be an HTTP error status (400-599)' };
  }
  if (!isIntegerIn(count, 1, MAX_FAULT_COUNT))
    return { ok: false, error: '"count" must be a positive integer' };
  if (!isIntegerIn(delayMs, 0, MAX_FAULT_DELAY_MS)) {
    return { ok: false, error: `"delayMs" must be an integer between 0 and ${MAX_FAULT_DELAY_MS}` };
  }
  if (!isIntegerIn(skip, 0, MAX_FAULT_COUNT))
    return { ok: false, error: '"skip" must be a non-negative integer' };
  if (status === null && delayMs === 0) return { ok: false, error: 'give "status", "delayMs" or both' };
  return { ok: true, plan: { status, delayMs, remaining: count, skip } };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Holds at most one plan: arming again replaces it rather than queueing behind it. */
export class FaultInjector {
  #armed: FaultPlan | null = null;

  arm(plan: FaultPlan): void {
    this.#armed = { ...plan };
  }

  clear(): void {
    this.#armed = null;
  }

  current(): FaultPlan | null {
    return this.#armed ? { ...this.#armed } : null;
  }

  /** The fault for this request, if any; each call uses up one of the plan's count. */
  take(): FaultPlan | null {
    const armed = this.#armed;
    if (!armed) return null;
    if (armed.skip > 0) {
      armed.skip -= 1;
      return null;
    }
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed = null;
    return { ...armed };
  }
}

/**
 * What a request to a sandbox's API waits out before anything else: the artificial latency, then
 * the delay of an injected fault. An armed fault is taken by any request, valid or not: an outage
 * comes first. `signal` (the sandbox closing) stops the waiting.
 */
export async function waitOutLatencyAndFault(
  faults: FaultInjector,
  latencyMs: number,
  signal: AbortSignal,
): Promise<{ fault: FaultPlan | null; delayedByFault: boolean }> {
  if (latencyMs > 0) await sleep(latencyMs, undefined, { signal });
  const fault = faults.take();
  const delayedByFault = fault !== null && fault.delayMs > 0;
  if (delayedByFault) await sleep(fault.delayMs, undefined, { signal });
  return { fault, delayedByFault };
}
