import { Hono } from 'hono';
import { buildJwks } from '../../receipt/jwks.ts';
import { publicJwk } from '../../receipt/signing-key.ts';
import { VERSION } from '../../version.ts';
import type { AppEnv } from '../app-env.ts';
import type { DocumentedRoute } from '../documented-route.ts';
import { healthResponse, jwksResponse } from '../schemas.ts';

export const metaDocs: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and configuration check',
    success: { status: 200, description: 'Configured and serving.', schema: healthResponse },
    errors: ['misconfigured'],
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'Public keys that verify receipts',
    success: {
      status: 200,
      description: 'The current key first, then previous keys still accepted during a rotation.',
      schema: jwksResponse,
    },
    errors: ['misconfigured'],
  },
];

export const metaRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'ok' as const, version: VERSION }, 200))
  .get('/.well-known/jwks.json', (c) => {
    const { receipt } = c.get('config');
    // Verifiers may cache the key set; a rotation keeps the old key listed for longer than this.
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(buildJwks(publicJwk(receipt.signingKey), receipt.previousPublicKeys), 200);
  });
