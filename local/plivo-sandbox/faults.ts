import { type FaultPlanParse, parseFaultPlan } from '../support/faults.ts';

// The Plivo-shaped side of fault injection (the plan itself is local/support/faults.ts): what an
// injected failure says, and the body parse that answers Plivo-style errors.

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

/** The plan in a POST /__sandbox/faults body. */
export function parseFault(raw: string): FaultPlanParse {
  try {
    return parseFaultPlan(JSON.parse(raw));
  } catch {
    return { ok: false, error: 'invalid json data' };
  }
}
