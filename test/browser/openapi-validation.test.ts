import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, startDevStack } from './support/dev-stack.ts';

// A real OpenAPI 3.1 validator (the official JSON schemas plus $ref resolution). It reads its
// schemas from disk, which workerd cannot, so it runs here in Node against the document the
// Worker serves under wrangler dev. test/worker/openapi.test.ts checks the document against the app.

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with resolvable references', async () => {
    const response = await fetch(`${stack.workerUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});
