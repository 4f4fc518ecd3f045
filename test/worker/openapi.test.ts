import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { DOCUMENTED_ROUTES } from '../../src/http/documented-routes.ts';
import { ERROR_CODES, type ErrorCode } from '../../src/http/error-codes.ts';
import { buildOpenApiDocument } from '../../src/http/openapi.ts';
import { testApp } from './support/stack.ts';

// The document's structure is validated against the OpenAPI 3.1 schema by a real validator in
// test/browser/openapi-validation.test.ts (it reads its schema files from disk, which workerd
// cannot). Here: the document and the app agree with each other.

interface Operation {
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown> & {
      Error: { properties: { error: { properties: { code: { enum: string[] } } } } };
    };
  };
}

/** Not API operations: the document itself and the HTML pages. */
const UNDOCUMENTED = new Set(['/openapi.json', '/', '/docs', '/admin']);

async function openApiDocument(): Promise<OpenApiDocument> {
  const response = await testApp().call('/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

function operations(doc: OpenApiDocument): { method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
}

describe('/openapi.json', () => {
  it("is the document built from the routes' schemas, as the build wrote it into the static assets", async () => {
    const served = await openApiDocument();
    expect(served).toEqual(buildOpenApiDocument(DOCUMENTED_ROUTES));
  });

  it('is OpenAPI 3.1 and lists every code of the error table', async () => {
    const doc = await openApiDocument();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    expect([...doc.components.schemas.Error.properties.error.properties.code.enum].sort()).toEqual(
      [...codes].sort(),
    );
  });

  it('documents each error a route declares under the status the error table gives it', async () => {
    const doc = await openApiDocument();
    for (const { method, path, operation } of operations(doc)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const examples = Object.keys(response.content?.['application/json']?.examples ?? {});
        for (const code of examples) {
          expect(ERROR_CODES[code as ErrorCode]?.status, `${method} ${path}: ${code}`).toBe(Number(status));
        }
      }
    }
  });

  it('documents only routes the app serves', async () => {
    const app = testApp();
    for (const { method, path } of operations(await openApiDocument())) {
      const url = path.replace(/\{[^}]+\}/g, 'x');
      const response = await app.call(
        url,
        method === 'get'
          ? {}
          : { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: '{}' },
      );
      const body = (await response.json()) as { error?: { code?: string } };
      // Missing credentials, a bad body or a bad signature are fine: the route is there and answered.
      expect(['not_found', 'method_not_allowed'], `${method.toUpperCase()} ${path}`).not.toContain(
        body.error?.code,
      );
    }
  });

  it('documents every API path the app serves', async () => {
    // Paths, not methods: a route may accept a second method its description mentions (Plivo's
    // callback also comes as GET) without a second operation.
    const served = createApp()
      .routes.filter((route) => route.method !== 'ALL' && !UNDOCUMENTED.has(route.path))
      .map((route) => route.path);
    const documented = Object.keys((await openApiDocument()).paths).map((path) =>
      path.replace(/\{([^}]+)\}/g, ':$1'),
    );
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });
});
