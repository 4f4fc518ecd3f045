import { describe, expect, it } from 'vitest';
import { DOCUMENTED_ROUTES } from '../../src/http/documented-routes.ts';
import { EXAMPLE_VERIFICATION_ID } from '../../src/http/schemas.ts';
import { relayUrl } from './support/callbacks.ts';
import { latestCode, type TestApp, testApp } from './support/stack.ts';

/**
 * Every request example /openapi.json shows (what /docs puts in its snippets and its "Try it") is
 * sent to the Worker on the real stack and must answer the operation's documented success, in the
 * documented shape. A verification id and code are per request by nature: the example's
 * placeholders are replaced by those of a code requested just before, everything else is sent as
 * written. The channels are set up as `npm run dev` sets them up (voice and WhatsApp on).
 */

interface MediaType {
  examples?: Record<string, { summary?: string; value: Record<string, unknown> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, MediaType> } }>>;
}

const CODE_PLACEHOLDER = '123456';
const CHANNELS_AS_DEV_RUNS = {
  PLIVO_VOICE_SRC: '+14155550122',
  PLIVO_WHATSAPP_SRC: '+14155550123',
  PLIVO_WHATSAPP_TEMPLATE: 'otp_login',
  PUBLIC_BASE_URL: relayUrl,
};

interface Clocked extends TestApp {
  advance(ms: number): void;
}

/** A fresh app (its own key prefix: no example meets another's cooldown) with a clock to move. */
function devLikeApp(): Clocked {
  let now = Date.now();
  const app = testApp(CHANNELS_AS_DEV_RUNS, { clock: { nowMs: () => now } });
  return Object.assign(app, {
    advance(ms: number) {
      now += ms;
    },
  });
}

async function jsonExamples() {
  const response = await testApp().call('/openapi.json');
  const doc = (await response.json()) as OpenApiDocument;
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) =>
      Object.entries(operation.requestBody?.content['application/json']?.examples ?? {}).map(
        ([name, example]) => ({ path, method, name, value: example.value }),
      ),
    ),
  );
}

/** A pending verification the example can act on: its id, and the code the SMS carried. */
async function requested(app: TestApp, body: Record<string, unknown>) {
  const response = await app.post('/otp/request', body);
  const { verificationId } = (await response.json()) as { verificationId: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { verificationId, code: await latestCode(body.phone as string) };
}

/** Sends one example as /docs would, placeholders replaced; answers the response. */
async function send(example: Awaited<ReturnType<typeof jsonExamples>>[number]): Promise<Response> {
  const app = devLikeApp();
  const value = { ...example.value };
  let path = example.path;
  if (path.includes('{verificationId}') || value.verificationId === EXAMPLE_VERIFICATION_ID) {
    const phone = '+14155552671';
    // A verify naming a transaction must name the request's: request the code for it.
    const { verificationId, code } = await requested(app, {
      phone,
      ...(value.transaction ? { transaction: value.transaction } : {}),
    });
    path = path.replace('{verificationId}', verificationId);
    if (value.verificationId === EXAMPLE_VERIFICATION_ID) value.verificationId = verificationId;
    if (value.code === CODE_PLACEHOLDER) value.code = code;
    // "Call me instead" is offered OTP_FALLBACK_DELAY_SECONDS after the code.
    app.advance(60_000);
  }
  return app.post(path, value);
}

describe('/openapi.json describes requests as clients send them', () => {
  it('a field with a default is optional in a request body: POST /otp/request requires only phone', async () => {
    const doc = (await (await testApp().call('/openapi.json')).json()) as {
      servers: unknown;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.components.schemas.OtpRequest?.required).toEqual(['phone']);
    // Responses keep the default filled in: the API always answers a channel.
    expect(doc.components.schemas.OtpPending?.required).toContain('channel');
    // Relative: snippets and "Try it" reach whichever deployment serves the document.
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });
});

describe("/openapi.json's request examples", () => {
  it('exist for every JSON request body of the public API', async () => {
    const examples = await jsonExamples();
    const operations = new Set(examples.map((example) => `${example.method} ${example.path}`));
    expect([...operations].sort()).toEqual([
      'post /otp/request',
      'post /otp/verifications/{verificationId}/channel',
      'post /otp/verify',
    ]);
  });

  it('each answers 200 in the documented shape when sent to the Worker', async () => {
    const examples = await jsonExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      const label = `${example.method} ${example.path} "${example.name}"`;
      const route = DOCUMENTED_ROUTES.find(
        (candidate) => candidate.path === example.path && candidate.method === example.method,
      );
      if (!route) throw new Error(`${label}: no documented route`);
      const response = await send(example);
      const body: unknown = await response.json();
      expect(response.status, `${label}: ${JSON.stringify(body)}`).toBe(route.success.status);
      const shape = route.success.schema.safeParse(body);
      expect(shape.success, `${label}: ${JSON.stringify(body)}`).toBe(true);
    }
  });
});
