import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { ERROR_CODES } from '../../src/http/error-codes.ts';
import { createKeyedHasher } from '../../src/otp/keyed-hash.ts';
import { parsePhone } from '../../src/phone/parse-phone.ts';
import {
  dumpRedis,
  latestCode,
  redis,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';

/**
 * Property-based checks of the HTTP contract under arbitrary input (fast-check; a failure prints
 * the seed and the shrunk counterexample, replay with `{ seed, path }`). Bodies, content types and
 * headers are whatever a hostile or broken client could send; the store and the SMS sandbox are
 * the real local stack.
 */

// --- What a client can send ---------------------------------------------------------------------

/** Placeholders replaced at run time: a phone number of the run, a well-formed wrong code. */
const PHONE_SLOT = '@@PHONE@@';
const WRONG_CODE_SLOT = '@@WRONG@@';

interface RawRequest {
  path: '/otp/request' | '/otp/verify';
  /** undefined: no content-type header (fetch then sends text/plain for a string body). */
  contentType: string | undefined;
  payload: string | Uint8Array;
  headers: Record<string, string>;
}

const trickyCodes = fc.constantFrom(
  '123456',
  ' 123456',
  '123456 ',
  '123456\n',
  '12345',
  '1234567',
  '123456123456',
  '123456,654321',
  '１２３４５６',
  '١٢٣٤٥٦',
  '१२३४५६',
  '12345６',
  '0x1E240',
  '1e5',
  '-12345',
  '+12345',
  '',
  '\u0000\u0000\u0000\u0000\u0000\u0000',
  WRONG_CODE_SLOT,
);

const trickyPhones = fc.constantFrom(
  PHONE_SLOT,
  ` ${PHONE_SLOT} `,
  '+14155552671',
  '+1 415 555 2671',
  '+٤٤٧٧٠٠٩٠٠١٢٣',
  '+1４１５５５５２６７１',
  '14155552671',
  '+',
  '+0',
  '+999999999999999999999',
  '+1 (415) 555-2671 ext. 7',
  '+1\u00a0415\u00a0555\u00a02671',
  '+1\t4155552671',
  'javascript:alert(1)',
  '<script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, meant literally.
  '${jndi:ldap://x}',
  '%2B14155552671',
);

const hugeString = fc
  .integer({ min: 1_000, max: 40_000 })
  .chain((length) => fc.constantFrom('x', '9', ' ', 'é', '𝟗').map((unit) => unit.repeat(length)));

/** Any JSON value a field could hold: numbers, arrays, objects, null, unicode, huge strings. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: trickyPhones, weight: 3 },
  { arbitrary: trickyCodes, weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.stringMatching(/^[0-9]{4,8}$/), weight: 2 },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(trickyCodes, fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  hugeString,
);

/** Keys an attacker would try, prototype pollution first. */
const fieldName = fc.oneof(
  { arbitrary: fc.constantFrom('phone', 'code'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'turnstileToken',
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 10 }), weight: 1 },
);

/** Objects built from entries, so `__proto__` and friends become own keys in the JSON text. */
const hostileObject = fc
  .array(fc.tuple(fieldName, fieldValue), { maxLength: 4 })
  .map((entries) => JSON.stringify(Object.fromEntries(entries)));

/** Mostly the right shape with hostile values: the bodies that get furthest into the handlers. */
const shapedObject = fc
  .record({ phone: fieldValue, code: fieldValue }, { requiredKeys: [] })
  .map((body) => JSON.stringify(body));

const anythingAsJson = fc.anything({ maxDepth: 3 }).map((value) => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
});

const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom('[', '{"phone":'))
  .map(
    ([depth, open]) => open.repeat(depth) + (open === '[' ? ']'.repeat(depth) : `"x"${'}'.repeat(depth)}`),
  );

/**
 * Valid-looking bodies for each endpoint, often: the paths past validation (limits, the store, the
 * SMS, the atomic check) must hold under the same hostile conditions.
 */
const validLooking = {
  '/otp/request': fc
    .record(
      { phone: fc.constantFrom(PHONE_SLOT, ` ${PHONE_SLOT} `), turnstileToken: fc.string({ maxLength: 10 }) },
      { requiredKeys: ['phone'] },
    )
    .map((body) => JSON.stringify(body)),
  '/otp/verify': fc
    .record({
      verificationId: fc.oneof(fc.constantFrom(PHONE_SLOT, ` ${PHONE_SLOT} `), trickyPhones),
      code: fc.oneof(fc.constant(WRONG_CODE_SLOT), trickyCodes),
    })
    .map((body) => JSON.stringify(body)),
} as const;

const textPayload = fc.oneof(
  { arbitrary: shapedObject, weight: 5 },
  { arbitrary: hostileObject, weight: 3 },
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
  { arbitrary: anythingAsJson, weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: hugeString.map((huge) => `{"phone":"${huge}"}`), weight: 1 },
);

const payloadFor = (path: RawRequest['path']): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    { arbitrary: validLooking[path], weight: 6 },
    { arbitrary: textPayload, weight: 9 },
    { arbitrary: fc.uint8Array({ maxLength: 600 }), weight: 1 },
  );

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 24 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/problem+json;charset=latin1',
      'application/jsonp',
      'application/json5',
      'text/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'application/octet-stream',
      '',
      '*/*',
    ),
    weight: 3,
  },
  { arbitrary: fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const optionalHeaders = fc.record(
  {
    'cf-connecting-ip': fc.oneof(fc.ipV4(), fc.ipV6(), fc.stringMatching(/^[\x21-\x7e]{0,20}$/)),
    'x-forwarded-for': fc.ipV4(),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://localhost'),
    authorization: fc.constantFrom('Bearer nope', 'Basic YTpi', 'Bearer '),
    'cf-turnstile-response': fc.string({ maxLength: 20 }).filter((value) => /^[\x21-\x7e]*$/.test(value)),
  },
  { requiredKeys: [] },
);

const rawRequest = (only?: RawRequest['path']): fc.Arbitrary<RawRequest> =>
  (only === undefined
    ? fc.constantFrom('/otp/request' as const, '/otp/verify' as const)
    : fc.constant(only)
  ).chain((path) =>
    fc.record({
      path: fc.constant(path),
      contentType,
      payload: payloadFor(path),
      headers: fc.oneof({ arbitrary: fc.constant({}), weight: 6 }, { arbitrary: optionalHeaders, weight: 1 }),
    }),
  );

// --- Sending and checking -----------------------------------------------------------------------

function fill(request: RawRequest, phone: string, wrongCode: string): RawRequest {
  if (typeof request.payload !== 'string') return request;
  return {
    ...request,
    payload: request.payload.replaceAll(PHONE_SLOT, phone).replaceAll(WRONG_CODE_SLOT, wrongCode),
  };
}

/** The E.164 number a request body asks to text, as the Worker reads it; undefined when it names none. */
function textedNumber(payload: RawRequest['payload']): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const { phone } = JSON.parse(payload) as { phone?: unknown };
    const parsed = typeof phone === 'string' ? parsePhone(phone) : undefined;
    return parsed?.ok ? parsed.e164 : undefined;
  } catch {
    return undefined;
  }
}

async function send(app: TestApp, request: RawRequest): Promise<Response> {
  const headers: Record<string, string> = { 'cf-connecting-ip': '203.0.113.77', ...request.headers };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  return app.call(request.path, { method: 'POST', headers, body: request.payload });
}

type Answer = { status: number; text: string; headers: string };

/**
 * Never a 5xx; a non-2xx answer is the documented error shape with the status and message of its
 * code in the one error table; a 2xx answer is the documented success shape.
 */
async function expectDocumentedAnswer(response: Response, path: RawRequest['path']): Promise<Answer> {
  const text = await response.text();
  const context = `${path} ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, context).toBeLessThan(500);
  expect(response.headers.get('content-type'), context).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (response.ok) {
    if (path === '/otp/request') {
      expect(body, context).toEqual({
        verificationId: expect.stringMatching(/^[A-Za-z0-9_-]{90}$/),
        status: 'pending',
        channel: expect.stringMatching(/^(sms|voice|whatsapp)$/),
        expiresInSeconds: expect.any(Number),
        resendAfterSeconds: expect.any(Number),
      });
    } else {
      expect(body, context).toMatchObject({ status: 'approved', receipt: expect.any(String) });
    }
  } else {
    const error = body.error as { code: keyof typeof ERROR_CODES; message: string } | undefined;
    expect(Object.keys(body), context).toEqual(['error']);
    expect(Object.keys(ERROR_CODES), context).toContain(error?.code);
    const documented = ERROR_CODES[error?.code ?? 'internal_error'];
    expect(error?.message, context).toBe(documented.message);
    expect(response.status, context).toBe(documented.status);
  }
  return { status: response.status, text, headers: JSON.stringify([...response.headers]) };
}

/**
 * The contract for a verify body that must count as exactly one guess against `phone`: a JSON
 * content type (application/json or application/*+json), no (invalid) API key, at most 2 KB, a JSON object with exactly
 * `verificationId` (that verification's id, exactly) and `code` (exactly 6 ASCII digits, not the
 * pending code). Anything else must count nothing.
 */
function countsAsGuess(request: RawRequest, verificationId: string, pendingCode: string): boolean {
  // An Authorization header that is not a valid API key is a 401 before anything is read.
  if (request.headers.authorization !== undefined) return false;
  if (typeof request.payload !== 'string') return false;
  if (!/^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i.test((request.contentType ?? '').trim())) return false;
  if (new TextEncoder().encode(request.payload).length > 2048) return false;
  let body: unknown;
  try {
    body = JSON.parse(request.payload);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  if (Object.keys(fields).sort().join(',') !== 'code,verificationId') return false;
  // The id exactly as issued: it is an opaque capability, no other spelling of it exists.
  if (fields.verificationId !== verificationId) return false;
  return typeof fields.code === 'string' && /^[0-9]{6}$/.test(fields.code) && fields.code !== pendingCode;
}

/** A well-formed wrong guess, as a client following the API would send it (`phone` slot: the id). */
function wellFormed(phone: string, code: string): RawRequest {
  return {
    path: '/otp/verify',
    contentType: 'application/json',
    payload: JSON.stringify({ verificationId: phone, code }),
    headers: {},
  };
}

/** A well-formed guess with exactly one defect: none of these may count as a guess. */
const NEAR_MISSES: ((phone: string, code: string) => RawRequest)[] = [
  ...[
    undefined,
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'text/json',
    'application/jsonp',
    'multipart/form-data; boundary=x',
  ].map((contentType) => (phone: string, code: string) => ({ ...wellFormed(phone, code), contentType })),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code, extra: true }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: `{"verificationId":${JSON.stringify(phone)},"code":"${code}","__proto__":{"code":"${code}"}}`,
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code: Number(code) }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code: [code] }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code: ` ${code}` }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code: `${code}0` }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: phone, code: code.slice(1) }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({
      verificationId: phone,
      code: code.replace(/[0-9]/g, (digit) => String.fromCharCode(0xff10 + Number(digit))),
    }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify([{ verificationId: phone, code }]),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: JSON.stringify({ verificationId: [phone], code }),
  }),
  (phone, code) => ({
    ...wellFormed(phone, code),
    payload: `${JSON.stringify({ verificationId: phone, code })}${' '.repeat(2100)}`,
  }),
  (phone, code) => ({ ...wellFormed(phone, code), headers: { authorization: 'Bearer not-a-key' } }),
];

function prototypeSnapshot(): string {
  return JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype].map((proto) =>
      Object.getOwnPropertyNames(proto).sort(),
    ),
  );
}

// --- Properties ---------------------------------------------------------------------------------

describe('arbitrary input (property-based, fast-check)', () => {
  let prototypesBefore = '';
  /** What the Worker logged (one JSON line per request, errors too), checked for codes; still printed. */
  let logLines: string[] = [];
  const spies: MockInstance[] = [];
  beforeAll(() => {
    prototypesBefore = prototypeSnapshot();
    for (const method of ['log', 'error', 'warn'] as const) {
      const print = console[method].bind(console);
      spies.push(
        vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => {
          logLines.push(parts.map(String).join(' '));
          print(...parts);
        }),
      );
    }
  });
  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
    // A body key like __proto__ or constructor.prototype must never reach a global prototype.
    expect(prototypeSnapshot()).toBe(prototypesBefore);
    expect(({} as Record<string, unknown>).phone).toBeUndefined();
  });

  it('any body, content type or header: never a 5xx, always a documented JSON answer, never the code', async () => {
    const app = testApp({ RATE_LIMIT_SEND_PER_IP: '1000/1h', RATE_LIMIT_SEND_PER_PREFIX: '1000/1h' });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(rawRequest(), async (generated) => {
        logLines = [];
        const phone = uniquePhone();
        const request = fill(generated, phone, '000000');
        const answer = await expectDocumentedAnswer(await send(app, request), request.path);
        if (request.path === '/otp/request' && answer.status === 200) {
          // A code went out: it is in the SMS, and nowhere in what the caller got back.
          sent += 1;
          // The number texted is the one the body named: the generators also send fixed numbers
          // (+14155552671, spelled several ways) instead of this run's, and the SMS went there.
          const texted = textedNumber(request.payload) ?? phone;
          // The sandbox's inbox is read right after the answer: give it a few seconds on a busy machine.
          let code: string | undefined;
          await expect
            .poll(async () => (code = await latestCode(texted).catch(() => undefined)), { timeout: 5_000 })
            .toBeDefined();
          if (code === undefined) throw new Error(`no code SMS for ${texted}`);
          expect(answer.text).not.toContain(code);
          expect(answer.headers).not.toContain(code);
          expect(logLines.join('\n')).not.toContain(code);
        }
      }),
      { numRuns: 200 },
    );
    // The generators do reach the sending path (otherwise this property proves little about it).
    expect(sent).toBeGreaterThan(0);
  });

  it('arbitrary verify bodies for a number with a pending code: at most one guess counted per request, only well-formed wrong codes count, the code never leaks and survives the garbage', async () => {
    const secret = testApp().env.OTP_SECRET as string;
    const hasher = createKeyedHasher(secret);
    const verifySpec = fc.oneof(
      // A well-formed wrong guess for the verification: must count, once.
      {
        arbitrary: fc
          .record({ spelling: fc.nat(5), offset: fc.integer({ min: 1, max: 999_999 }) })
          .map(({ spelling, offset }) => ({ kind: 'wrong' as const, spelling, offset })),
        weight: 1,
      },
      // The same guess with exactly one thing wrong with it: must count nothing.
      {
        arbitrary: fc
          .record({
            spelling: fc.nat(5),
            offset: fc.integer({ min: 1, max: 999_999 }),
            defect: fc.nat(NEAR_MISSES.length - 1),
          })
          .map((near) => ({ kind: 'nearMiss' as const, ...near })),
        weight: 1,
      },
      // Anything else, aimed at the same number through the placeholder.
      { arbitrary: rawRequest('/otp/verify').map((raw) => ({ kind: 'raw' as const, raw })), weight: 3 },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(verifySpec, { minLength: 1, maxLength: 5 }), async (specs) => {
        const app = testApp({
          OTP_MAX_ATTEMPTS: '10',
          OTP_MAX_FAILURES_PER_DAY: '100',
          RATE_LIMIT_VERIFY_PER_IP: '1000/10m',
        });
        const prefix = app.env.KEY_PREFIX as string;
        logLines = [];
        const phone = uniquePhone();
        const verificationId = await startVerification(app, phone);
        const code = await latestCode(phone);
        const tag = await hasher.phoneTag(phone);
        const failuresKey = `${prefix}failures:${tag}`;
        const codeKey = `${prefix}verification:${await hasher.verificationTag(verificationId)}`;
        const counters = async () => ({
          failures: Number((await redis(['GET', failuresKey])) ?? 0),
          attempts: Number((await redis(['HGET', codeKey, 'a'])) ?? 0),
        });

        let wellFormedWrong = 0;
        let definitelyCounted = 0;
        let before = await counters();
        for (const spec of specs) {
          const offsetCode = (offset: number) => String((Number(code) + offset) % 1_000_000).padStart(6, '0');
          const request: RawRequest =
            spec.kind === 'raw'
              ? fill(spec.raw, verificationId, offsetCode(1))
              : (spec.kind === 'wrong' ? wellFormed : (NEAR_MISSES[spec.defect] ?? wellFormed))(
                  verificationId,
                  offsetCode(spec.offset),
                );
          const expectedGuess = countsAsGuess(request, verificationId, code);
          // The oracle agrees with how the cases were built (a check on this test itself).
          if (spec.kind !== 'raw') expect(expectedGuess).toBe(spec.kind === 'wrong');
          if (expectedGuess) wellFormedWrong += 1;
          if (spec.kind === 'wrong') definitelyCounted += 1;

          const answer = await expectDocumentedAnswer(await send(app, request), '/otp/verify');
          expect(answer.status, 'a wrong or malformed guess is never approved').not.toBe(200);
          expect(answer.text).not.toContain(code);
          expect(answer.headers).not.toContain(code);

          const after = await counters();
          const context = `${request.contentType} ${String(request.payload).slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 200)}`;
          expect(after.failures - before.failures, context).toBeLessThanOrEqual(1);
          expect(after.failures - before.failures, context).toBe(expectedGuess ? 1 : 0);
          expect(after.attempts - before.attempts, context).toBe(expectedGuess ? 1 : 0);
          before = after;
        }

        // The same bounds, read the way a dump of the store shows them.
        const dump = await dumpRedis(prefix);
        const failures = Number(dump.find((entry) => entry.key === failuresKey)?.value ?? 0);
        const codeHash = (dump.find((entry) => entry.key === codeKey)?.value ?? []) as string[];
        const attempts = Number(codeHash[codeHash.indexOf('a') + 1] ?? 0);
        expect(failures).toBeLessThanOrEqual(specs.length);
        expect(attempts).toBeLessThanOrEqual(wellFormedWrong);
        expect(attempts).toBeGreaterThanOrEqual(definitelyCounted);
        expect(logLines.length).toBeGreaterThan(specs.length);
        expect(logLines.join('\n')).not.toContain(code);

        // None of it consumed or replaced the pending code.
        expect((await app.post('/otp/verify', { verificationId, code })).status).toBe(200);
      }),
      { numRuns: 100 },
    );
  });
});
