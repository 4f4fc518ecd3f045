import { describe, expect, it } from 'vitest';
import { testApp, uniquePhone } from './support/stack.ts';

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

describe('bad input never yields a 5xx', () => {
  const app = testApp();

  it('malformed JSON is 400 invalid_request', async () => {
    await expectError(await app.post('/otp/request', '{"phone": '), 400, 'invalid_request');
    await expectError(await app.post('/otp/verify', 'not json'), 400, 'invalid_request');
  });

  it('wrong types, missing and unknown fields are 400 invalid_request', async () => {
    for (const body of [
      {},
      { phone: 14155552671 },
      { phone: null },
      { phone: ['+14155552671'] },
      [],
      'x',
      42,
      null,
    ]) {
      await expectError(await app.post('/otp/request', body), 400, 'invalid_request');
    }
    await expectError(
      await app.post('/otp/request', { phone: uniquePhone(), extra: 1 }),
      400,
      'invalid_request',
    );
    await expectError(await app.post('/otp/request', { phone: 'x'.repeat(500) }), 400, 'invalid_request');
  });

  it('a code that is not a string of exactly OTP_LENGTH ASCII digits is invalid_request and counts no guess', async () => {
    for (const code of [
      123456,
      ['123456', '654321'],
      '12345',
      '1234567',
      ' 123456',
      '１２３４５６',
      '١٢٣٤٥٦',
      '12345a',
      null,
      {},
    ]) {
      const body = await expectError(
        await app.post('/otp/verify', { verificationId: 'A'.repeat(90), code }),
        400,
        'invalid_request',
      );
      expect(JSON.stringify(body)).not.toContain('123456');
    }
  });

  it('a non-JSON content type is 415', async () => {
    const response = await app.call('/otp/request', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'phone=%2B14155552671',
    });
    await expectError(response, 415, 'unsupported_media_type');
    await expectError(
      await app.call('/otp/verify', { method: 'POST', body: '{}' }),
      415,
      'unsupported_media_type',
    );
  });

  it('a body over 2 KB is 413 (4 KB on /otp/request, which may carry a 2,048-character Turnstile token)', async () => {
    await expectError(
      await app.post('/otp/verify', { verificationId: ' '.repeat(2100), code: '123456' }),
      413,
      'payload_too_large',
    );
    await expectError(await app.post('/otp/request', { phone: ' '.repeat(4200) }), 413, 'payload_too_large');
    // A maximal token still gets through to validation (here: a 400 for the blank phone, not a 413).
    const withToken = await app.post('/otp/request', { phone: ' ', turnstileToken: 'x'.repeat(2048) });
    expect(withToken.status).toBe(400);
  });

  it('an unknown route is 404 JSON and a wrong method is 405 JSON with Allow', async () => {
    await expectError(await app.call('/nope'), 404, 'not_found');
    const wrongMethod = await app.call('/otp/request');
    await expectError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('service documents', () => {
  const app = testApp();

  it('GET /health answers ok with the version', async () => {
    const response = await app.call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document of the routes the app validates with', async () => {
    const document = (await (await app.call('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { required?: string[]; additionalProperties?: unknown }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/otp/request',
        '/otp/verify',
        '/otp/verifications/{verificationId}',
        '/health',
        '/.well-known/jwks.json',
      ]),
    );
    expect(Object.keys(document.paths['/otp/verify']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '429', '503']),
    );
    expect(Object.keys(document.paths['/otp/verifications/{verificationId}'] ?? {})).toEqual([
      'get',
      'delete',
    ]);
    expect(document.components.schemas.OtpVerify?.required).toEqual(['verificationId', 'code']);
    expect(document.components.schemas.OtpVerify?.additionalProperties).toBe(false);
  });

  it('GET /.well-known/jwks.json publishes only public key material', async () => {
    const jwks = (await (await app.call('/.well-known/jwks.json')).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('every response carries a request id', async () => {
    const response = await app.call('/health');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
