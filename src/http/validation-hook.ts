import type { Context } from 'hono';
import { errorResponse } from './error-response.ts';

interface ValidationResult {
  success: boolean;
  error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
}

/**
 * Turns a schema failure into our error shape. Only paths and zod's messages go back, never the
 * submitted values (a `code` field must not be echoed).
 */
// `Context` without parameters: zod-validator cannot infer the app's env at the call site.
export function validationHook(result: ValidationResult, c: Context) {
  if (result.success || !result.error) return;
  const issues = result.error.issues.slice(0, 10).map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    problem: issue.message,
  }));
  return errorResponse(c, 'invalid_request', { extra: { issues } });
}
