import * as z from 'zod/mini';
import { SEND_SCOPES } from '../otp/ports.ts';
import { VERSION } from '../version.ts';
import type { DocumentedRoute } from './documented-route.ts';
import { ERROR_CODES, type ErrorCode } from './error-codes.ts';
import { GUIDES } from './guides.ts';
import { REQUEST_EXAMPLES } from './schemas.ts';

type JsonObject = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with (zod's
 * own JSON Schema output: OpenAPI 3.1 schemas are JSON Schema 2020-12) and from the one table of
 * error codes. Built at build time by scripts/build-pages.ts into the static assets, which the
 * Worker serves (src/http/routes/openapi-document.ts); the Worker bundle never imports this file.
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[]): JsonObject {
  // A request body is described as the client sends it (`io: input`: a field with a default, such
  // as `channel`, is optional), every other schema as the API answers it (a default is filled in).
  const requestIds = new Set(routes.flatMap((route) => idOf(route.requestBody) ?? []));
  const [outputs, inputs] = (['output', 'input'] as const).map(
    (io) =>
      (
        z.toJSONSchema(z.globalRegistry, {
          target: 'draft-2020-12',
          io,
          uri: (id) => `#/components/schemas/${id}`,
        }) as { schemas: Record<string, JsonObject> }
      ).schemas,
  );
  const schemas = Object.fromEntries(
    Object.entries(outputs ?? {}).map(([id, output]) => [
      id,
      requestIds.has(id) ? (inputs?.[id] ?? output) : output,
    ]),
  );
  for (const schema of Object.values(schemas)) delete schema.$schema;

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const operation: JsonObject = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase())}`,
      responses: {
        [route.success.status]: {
          description: route.success.description,
          content: { 'application/json': { schema: schemaRef(route.success.schema) } },
        },
        ...errorResponses(route.errors),
      },
    };
    if (route.requestBody) {
      const examples = REQUEST_EXAMPLES[idOf(route.requestBody) ?? ''];
      operation.requestBody = {
        required: true,
        content: {
          [route.requestMediaType ?? 'application/json']: {
            schema: schemaRef(route.requestBody),
            ...(examples ? { examples } : {}),
          },
        },
      };
    }
    const parameters = [
      ...(route.pathParams ? parametersOf(route.pathParams, 'path') : []),
      ...(route.query ? parametersOf(route.query, 'query') : []),
    ];
    if (parameters.length > 0) operation.parameters = parameters;
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'otp-edge',
      version: VERSION,
      description: `SMS one-time-password verification at the edge. Every error body is \`{"error": {"code", "message", ...}}\`; \`code\` is stable, \`message\` is for humans. ${GUIDES}`,
    },
    // Relative: the deployment that serves this document (OpenAPI 3.1 resolves a relative server
    // URL against the document's own URL), so a snippet or "Try it" reaches the API it describes,
    // whatever its host. /docs passes the page's origin to Scalar for the same reason.
    servers: [{ url: '/', description: 'This deployment (the origin serving this document)' }],
    paths,
    components: { schemas: { ...schemas, Error: errorSchema(Object.keys(ERROR_CODES) as ErrorCode[]) } },
  };
}

function idOf(schema: z.ZodMiniType | undefined): string | undefined {
  return schema === undefined ? undefined : z.globalRegistry.get(schema)?.id;
}

function parametersOf(object: z.ZodMiniObject, location: 'path' | 'query'): JsonObject[] {
  const schema = z.toJSONSchema(object, { target: 'draft-2020-12', io: 'input' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (schema.required?.includes(name) ?? false),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function schemaRef(schema: z.ZodMiniType): JsonObject {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  return z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonObject;
}

function errorSchema(codes: readonly ErrorCode[]): JsonObject {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: codes },
          message: { type: 'string' },
          retryAfterSeconds: { type: 'integer', description: 'Also sent as the Retry-After header.' },
          attemptsRemaining: { type: 'integer', description: 'With `invalid_code`.' },
          scope: {
            type: 'string',
            enum: [...SEND_SCOPES],
            description:
              "With `rate_limited`: which limit refused. `phone`, `ip` (the client network: an IPv4 address or an IPv6 /64), `prefix`, `country` and `global` are plain limits; `range`, `block`, `country` and `global` are also the fraud guard's cells, refused while their unverified sends are over budget.",
          },
          hint: {
            type: 'string',
            description:
              'Development deployments only (ENVIRONMENT=development), with `rate_limited`, `resend_too_soon` and `too_many_attempts`: how to reset the local limits at once.',
          },
          issues: {
            type: 'array',
            description: 'With `invalid_request`: which field is wrong and why.',
            items: { type: 'object', properties: { field: { type: 'string' }, problem: { type: 'string' } } },
          },
        },
        additionalProperties: true,
      },
    },
  };
}

function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: statusCodes.map((code) => `\`${code}\`: ${ERROR_CODES[code].message}`).join(' '),
      content: {
        'application/json': {
          schema: errorSchema(statusCodes),
          examples: Object.fromEntries(
            statusCodes.map((code) => [
              code,
              { value: { error: { code, message: ERROR_CODES[code].message } } },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}
