import { describe, expect, it } from 'vitest';
import { solvedToken } from '../../local/stand-ins/turnstile-tokens.ts';
import { captureLogs } from './support/logs.ts';
import { latestCode, plivoUrl, testApp, testEnv, uniquePhone } from './support/stack.ts';

/**
 * Every answer says where its time went (src/http/server-timing.ts, docs/observability.md): the
 * spans of the dependencies it awaited, the Worker's own time and the total, in whole ms, and the
 * request's log line carries the same spans. The header is readable by anyone who can read the
 * answer, so it must say nothing else.
 */
const SPAN_NAMES = ['store', 'provider', 'siteverify', 'worker', 'total'];
/** Names from the fixed list and whole milliseconds: no `desc`, no other parameter, no fraction. */
const STRICT_HEADER =
  /^(?:store|provider|siteverify|worker|total);dur=\d+(?:, (?:store|provider|siteverify|worker|total);dur=\d+)*$/;

function spansOf(response: Response): Record<string, number> {
  const header = response.headers.get('server-timing') ?? '';
  expect(header).toMatch(STRICT_HEADER);
  return Object.fromEntries(
    header.split(', ').map((entry) => {
      const [name, duration] = entry.split(';dur=');
      return [name, Number(duration)];
    }),
  );
}

function loggedSpans(line: string | undefined): unknown {
  return (JSON.parse(line ?? '{}') as { spans?: unknown }).spans;
}

describe('Server-Timing', () => {
  it('a request shows its store and provider spans, a verify its store span, each with the Worker time and the total', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const requested = await app.post('/otp/request', { phone });
    expect(requested.status).toBe(200);
    const requestSpans = spansOf(requested);
    expect(Object.keys(requestSpans)).toEqual(['store', 'provider', 'worker', 'total']);
    // The spans are parts of the total: what the dependencies took and the Worker's rest.
    expect((requestSpans.store ?? 0) + (requestSpans.provider ?? 0)).toBeLessThanOrEqual(
      (requestSpans.total ?? 0) + 1,
    );

    const { verificationId } = (await requested.json()) as { verificationId: string };
    const verified = await app.post('/otp/verify', { verificationId, code: await latestCode(phone) });
    expect(verified.status).toBe(200);
    expect(Object.keys(spansOf(verified))).toEqual(['store', 'worker', 'total']);
  });

  it('answers that reach no dependency carry only the Worker time and the total: health, 404, 400, 503 misconfigured', async () => {
    const app = testApp();
    const answers = [
      await app.call('/health'),
      await app.call('/no-such-route'),
      await app.post('/otp/request', { phone: 'not a number' }),
      await testApp({ OTP_TTL_SECONDS: '900' }).call('/health'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 400, 503]);
    for (const answer of answers) expect(Object.keys(spansOf(answer))).toEqual(['worker', 'total']);
  });

  it('a browser request checked by Turnstile shows the siteverify span', async () => {
    const app = testApp({ TURNSTILE_SECRET_KEY: '1x0000000000000000000000000000000AA' });
    const response = await app.post('/otp/request', {
      phone: uniquePhone(),
      turnstileToken: solvedToken({ hostname: 'localhost', action: 'otp-request' }),
    });
    expect(response.status).toBe(200);
    expect(Object.keys(spansOf(response))).toEqual(['store', 'provider', 'siteverify', 'worker', 'total']);
  });

  it('the log line carries the same spans as the header', async () => {
    const app = testApp();
    const { result, lines } = await captureLogs(() => app.post('/otp/request', { phone: uniquePhone() }));
    expect(lines).toHaveLength(1);
    expect(loggedSpans(lines[0])).toEqual(spansOf(result));
  });

  it('reveals no host, number, code or id: nothing but the span names and whole milliseconds', async () => {
    const app = testApp();
    const phone = uniquePhone();
    const requested = await app.post('/otp/request', { phone });
    const { verificationId } = (await requested.clone().json()) as { verificationId: string };
    const code = await latestCode(phone);
    const wrong = await app.post('/otp/verify', {
      verificationId,
      code: code === '000000' ? '111111' : '000000',
    });
    const right = await app.post('/otp/verify', { verificationId, code });
    expect([requested.status, wrong.status, right.status]).toEqual([200, 400, 200]);
    const env = testEnv();
    const secrets = [
      new URL(String(env.UPSTASH_REDIS_REST_URL)).host,
      new URL(plivoUrl).host,
      '127.0.0.1',
      'localhost',
      String(env.KEY_PREFIX).slice(0, 8),
      phone,
      phone.slice(-4),
      code,
      verificationId,
    ];
    for (const answer of [requested, wrong, right]) {
      const header = answer.headers.get('server-timing') ?? '';
      expect(header).toMatch(STRICT_HEADER);
      for (const secret of secrets) expect(header).not.toContain(secret);
      // Not exposed to other origins' scripts.
      expect(answer.headers.get('timing-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-expose-headers') ?? '').not.toMatch(/server-timing/i);
    }
    // A wrong and a right guess show the same span names: the header says which dependencies were
    // awaited, which the answer's status says anyway, never how the comparison went.
    expect(Object.keys(spansOf(wrong))).toEqual(Object.keys(spansOf(right)));
    expect(SPAN_NAMES).toEqual(expect.arrayContaining(Object.keys(spansOf(right))));
  });
});
