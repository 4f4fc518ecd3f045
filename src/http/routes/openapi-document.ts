import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';

/**
 * Where scripts/build-pages.ts writes the OpenAPI document among the static assets. Generated at
 * build time from the same schemas the routes validate with (src/http/openapi.ts): zod's JSON
 * Schema generator is build code then, not ~9 KiB gzip of every cold start.
 */
export const OPENAPI_ASSET_PATH = '/assets/openapi.json';

let openApiDocument: Promise<unknown> | undefined;

export const openApiRoutes = new Hono<AppEnv>().get('/openapi.json', async (c) => {
  openApiDocument ??= readOpenApiAsset(c.env.ASSETS, c.req.url);
  try {
    return c.json(await openApiDocument);
  } catch (error) {
    // Not cached: a failed read is tried again by the next request.
    openApiDocument = undefined;
    throw error;
  }
});

async function readOpenApiAsset(assets: Fetcher, requestUrl: string): Promise<unknown> {
  const response = await assets.fetch(new URL(OPENAPI_ASSET_PATH, requestUrl));
  if (!response.ok) throw new Error(`OpenAPI asset answered ${response.status}: was the build skipped?`);
  return response.json();
}
