import { DOCUMENTED_ROUTES } from './documented-routes.ts';
import { buildOpenApiDocument } from './openapi.ts';

/**
 * The OpenAPI document as scripts/build-pages.ts writes it into the static assets. Build code:
 * it runs in Node at build time, and nothing the Worker bundles imports it.
 */
export function openApiJson(): string {
  return JSON.stringify(buildOpenApiDocument(DOCUMENTED_ROUTES));
}
