import type * as z from 'zod/mini';
import type { ErrorCode } from './error-codes.ts';

/**
 * What /openapi.json says about one route. Each route file declares this next to its handler,
 * with the same schema objects the handler validates with.
 */
export interface DocumentedRoute {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: path parameters in braces, `/otp/verifications/{verificationId}`. */
  path: string;
  summary: string;
  description?: string;
  requestBody?: z.ZodMiniType;
  /** How `requestBody` is encoded; default `application/json`. */
  requestMediaType?: 'application/json' | 'application/x-www-form-urlencoded';
  /** Path parameters: an object schema, one parameter per property (all required). */
  pathParams?: z.ZodMiniObject;
  /** Query parameters: an object schema, one parameter per property. */
  query?: z.ZodMiniObject;
  success: { status: 200; description: string; schema: z.ZodMiniType };
  /** Error codes this route can answer with; statuses and messages come from the one error table. */
  errors: readonly ErrorCode[];
}
