import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  type ChannelSwitchBody,
  createOtpClient,
  type ErrorCode,
  type OtpApiError,
  type OtpApproved,
  type OtpCanceled,
  type OtpChannelSwitched,
  OtpClientError,
  type OtpClientOptions,
  type OtpPending,
  type OtpRequestBody,
  type OtpVerification,
  type OtpVerifyBody,
  type RateLimitScope,
  type Transaction,
} from '../../packages/client/src/index.ts';
// The Worker's own definitions of what goes over the wire, which the client's plain types must match.
import type { ErrorCode as WorkerErrorCode } from '../../src/http/error-codes.ts';
import type {
  channelSwitchBody,
  channelSwitchedResponse,
  otpApprovedResponse,
  otpPendingResponse,
  otpRequestBody,
  otpVerifyBody,
  transactionBinding,
  verificationCanceledResponse,
  verificationResponse,
} from '../../src/http/schemas.ts';
import type { SendScope } from '../../src/otp/ports.ts';
import { latestCode, sandboxMessages, type TestApp, testApp, uniquePhone } from './support/stack.ts';

const API_KEY = 'client-test-key-0123456789abcdef';

/** The client's `fetch`, answered by the app in-process (the same Worker code, real stack behind it). */
function viaApp(app: TestApp): NonNullable<OtpClientOptions['fetch']> {
  return async (request) =>
    app.call(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? null : await request.text(),
    });
}

describe('@otp-edge/client', () => {
  it('vouches for a trusted user and sends a switch through the same guard options', async () => {
    // A trusted key's budget of 1: the second vouched send is the key's own refusal, proving the
    // client sent `trustedUser` (a plain send would not meet that budget at all).
    const app = testApp({
      API_KEYS: API_KEY,
      FRAUD_GUARD_TRUSTED_BASE: '1',
      PLIVO_VOICE_SRC: '+14155550122',
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
      OTP_FALLBACK_DELAY_SECONDS: '0',
    });
    const client = createOtpClient({ baseUrl: 'https://otp.test/', apiKey: API_KEY, fetch: viaApp(app) });
    const sent = await client.requestCode(uniquePhone(), { endUserIp: '198.51.100.31', trustedUser: true });
    if (!sent.ok) throw new Error(`expected pending, got ${sent.error.code}`);
    const again = await client.requestCode(uniquePhone(), { endUserIp: '198.51.100.32', trustedUser: true });
    expect(again).toMatchObject({
      ok: false,
      status: 429,
      error: { code: 'rate_limited', scope: 'trusted' },
    });
    const switched = await client.switchChannel(sent.data.verificationId, 'voice', { trustedUser: true });
    expect(switched).toMatchObject({
      ok: false,
      status: 429,
      error: { code: 'rate_limited', scope: 'trusted' },
    });
  });

  it('requests a code and verifies it, with typed results', async () => {
    const app = testApp({ API_KEYS: API_KEY });
    const client = createOtpClient({ baseUrl: 'https://otp.test/', apiKey: API_KEY, fetch: viaApp(app) });
    const phone = uniquePhone();

    const sent = await client.requestCode(phone, { endUserIp: '198.51.100.23', nonce: 'login-1' });
    if (!sent.ok) throw new Error(`expected pending, got ${sent.error.code}`);
    expect(sent.data).toEqual({
      verificationId: expect.stringMatching(/^[A-Za-z0-9_-]{90}$/),
      status: 'pending',
      channel: 'sms',
      expiresInSeconds: 300,
      resendAfterSeconds: 60,
    });
    const { verificationId } = sent.data;

    const status = await client.getVerification(verificationId);
    expect(status).toMatchObject({
      ok: true,
      data: { verificationId, status: 'pending', attemptsRemaining: 5 },
    });

    const verified = await client.verifyCode(verificationId, await latestCode(phone));
    if (!verified.ok) throw new Error(`expected approval, got ${verified.error.code}`);
    expectTypeOf(verified.data.receipt).toEqualTypeOf<string>();
    expect(verified.data.status).toBe('approved');
    expect(verified.data.receipt.split('.')).toHaveLength(3);

    const cancel = await client.cancelVerification(verificationId);
    expect(cancel).toMatchObject({ ok: false, status: 409, error: { code: 'already_approved' } });
  });

  it('cancels a verification: its id then verifies nothing', async () => {
    const app = testApp();
    const client = createOtpClient({ baseUrl: 'https://otp.test', fetch: viaApp(app) });
    const phone = uniquePhone();
    const sent = await client.requestCode(phone);
    if (!sent.ok) throw new Error(`expected pending, got ${sent.error.code}`);
    const canceled = await client.cancelVerification(sent.data.verificationId);
    expect(canceled).toEqual({
      ok: true,
      data: { verificationId: sent.data.verificationId, status: 'canceled' },
    });
    const late = await client.verifyCode(sent.data.verificationId, await latestCode(phone));
    expect(late).toMatchObject({ ok: false, status: 404, error: { code: 'verification_not_found' } });
  });

  it('passes the locale through: the SMS arrives in the language asked for', async () => {
    const app = testApp();
    const client = createOtpClient({ baseUrl: 'https://otp.test', fetch: viaApp(app) });
    const phone = uniquePhone();
    expect((await client.requestCode(phone, { locale: 'de-AT' })).ok).toBe(true);
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toBe(`${await latestCode(phone)} ist Ihr Code für OTP Edge. Er ist 5 Minuten gültig.`);
  });

  it('returns API errors as values with the code, message and details', async () => {
    const app = testApp();
    const client = createOtpClient({ baseUrl: 'https://otp.test', fetch: viaApp(app) });
    const phone = uniquePhone();
    const sent = await client.requestCode(phone);
    if (!sent.ok) throw new Error(`expected pending, got ${sent.error.code}`);

    const code = await latestCode(phone);
    const wrong = code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    const result = await client.verifyCode(sent.data.verificationId, wrong);
    expect(result).toEqual({
      ok: false,
      status: 400,
      error: { code: 'invalid_code', message: 'That code is not correct.', attemptsRemaining: 4 },
    });
    if (!result.ok) expectTypeOf(result.error.code).toEqualTypeOf<ErrorCode>();

    const again = await client.requestCode(phone);
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.status).toBe(429);
      expect(again.error.code).toBe('resend_too_soon');
      expect(again.error.retryAfterSeconds).toBeGreaterThan(0);
    }

    const invalid = await client.requestCode('+1 000');
    expect(invalid).toMatchObject({ ok: false, status: 400, error: { code: 'invalid_phone' } });
  });

  it('sends the API key as a bearer token, and a wrong key is a typed 401', async () => {
    const app = testApp({ API_KEYS: API_KEY });
    const client = createOtpClient({
      baseUrl: 'https://otp.test',
      apiKey: 'not-the-right-key-0123456789abcdef',
      fetch: viaApp(app),
    });
    const result = await client.requestCode(uniquePhone());
    expect(result).toMatchObject({ ok: false, status: 401, error: { code: 'unauthorized' } });
  });

  it('throws OtpClientError for answers that are not from the API', async () => {
    const client = createOtpClient({
      baseUrl: 'https://otp.test',
      fetch: async () => new Response('<html>502 Bad Gateway</html>', { status: 502 }),
    });
    await expect(client.requestCode(uniquePhone())).rejects.toThrow(OtpClientError);
    await expect(client.requestCode(uniquePhone())).rejects.toMatchObject({
      code: 'invalid_response',
      status: 502,
    });
  });

  it("throws OtpClientError network_error, not fetch's TypeError, when no answer comes back", async () => {
    const failure = new TypeError('fetch failed');
    const client = createOtpClient({
      baseUrl: 'https://otp.test',
      fetch: async () => {
        throw failure;
      },
    });
    const thrown = await client.verifyCode('some-id', '123456').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(OtpClientError);
    expect(thrown).toMatchObject({ code: 'network_error', status: undefined, cause: failure });
    expect((thrown as OtpClientError).message).toBe('POST /otp/verify: fetch failed');
  });

  it('exposes the error shape as a type', () => {
    expectTypeOf<OtpApiError['attemptsRemaining']>().toEqualTypeOf<number | undefined>();
  });

  // The package's declarations are plain types (a consumer has neither zod nor this source), so
  // these are what keeps them true: `npm run check` type-checks this file and fails on any drift.
  it("declares the Worker's wire types exactly: error codes, limit scopes, success bodies", () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<WorkerErrorCode>();
    expectTypeOf<RateLimitScope>().toEqualTypeOf<SendScope>();
    expectTypeOf<OtpPending>().toEqualTypeOf<z.output<typeof otpPendingResponse>>();
    expectTypeOf<OtpApproved>().toEqualTypeOf<z.output<typeof otpApprovedResponse>>();
    expectTypeOf<OtpRequestBody>().toEqualTypeOf<z.input<typeof otpRequestBody>>();
    expectTypeOf<OtpVerifyBody>().toEqualTypeOf<z.input<typeof otpVerifyBody>>();
    expectTypeOf<ChannelSwitchBody>().toEqualTypeOf<z.input<typeof channelSwitchBody>>();
    expectTypeOf<Transaction>().toEqualTypeOf<z.input<typeof transactionBinding>>();
    expectTypeOf<OtpVerification>().toEqualTypeOf<z.output<typeof verificationResponse>>();
    expectTypeOf<OtpCanceled>().toEqualTypeOf<z.output<typeof verificationCanceledResponse>>();
    expectTypeOf<OtpChannelSwitched>().toEqualTypeOf<z.output<typeof channelSwitchedResponse>>();
  });
});
