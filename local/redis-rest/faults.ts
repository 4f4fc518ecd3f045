// Scripted failures for testing a service's handling of a sick store: the next `count` protocol
// requests get an HTTP error status and/or a delay, without reaching Redis. A new plan replaces
// the previous one.

export interface FaultPlan {
  status?: number;
  delayMs?: number;
  count: number;
}

export interface FaultForRequest {
  status?: number;
  delayMs: number;
}

const MAX_FAULT_DELAY_MS = 120_000;

export class FaultInjector {
  #plan: FaultPlan | undefined;

  set(plan: FaultPlan): void {
    this.#plan = plan.count > 0 ? { ...plan } : undefined;
  }

  clear(): void {
    this.#plan = undefined;
  }

  takeNext(): FaultForRequest | undefined {
    const plan = this.#plan;
    if (!plan) return undefined;
    plan.count -= 1;
    if (plan.count <= 0) this.#plan = undefined;
    return { status: plan.status, delayMs: plan.delayMs ?? 0 };
  }
}

// The plan in a POST /__faults body, or an error message for a 400.
export function parseFaultPlan(body: unknown): FaultPlan | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'expected a JSON object like {"status": 503, "count": 2} or {"delayMs": 500}';
  }
  const { status, delayMs, count = 1 } = body as Record<string, unknown>;
  if (status === undefined && delayMs === undefined) return 'give "status", "delayMs" or both';
  if (status !== undefined && !(Number.isInteger(status) && Number(status) >= 400 && Number(status) <= 599)) {
    return '"status" must be an HTTP error status (400-599)';
  }
  if (
    delayMs !== undefined &&
    !(
      typeof delayMs === 'number' &&
      Number.isFinite(delayMs) &&
      delayMs >= 0 &&
      delayMs <= MAX_FAULT_DELAY_MS
    )
  ) {
    return `"delayMs" must be a number of milliseconds between 0 and ${MAX_FAULT_DELAY_MS}`;
  }
  if (!(Number.isInteger(count) && Number(count) >= 1)) return '"count" must be a positive integer';
  return {
    status: status === undefined ? undefined : Number(status),
    delayMs: delayMs === undefined ? undefined : Number(delayMs),
    count: Number(count),
  };
}
