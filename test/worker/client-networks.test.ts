import { describe, expect, it } from 'vitest';
import {
  countRoundTrips,
  latestCode,
  startVerification,
  type TestApp,
  testApp,
  uniquePhone,
} from './support/stack.ts';

/**
 * Per-IP limits count networks: an IPv6 client is its /64 (IPV6_CLIENT_PREFIX), and IPv4 written
 * inside IPv6 is the IPv4 address. The fraud guard is off here: these tests are about who the
 * client is, and numbers from one test's many sends would otherwise meet a range budget first.
 */

const API_KEY = 'networks-test-api-key-01234567';

async function outcome(response: Response): Promise<string> {
  if (response.status === 200) return 'sent';
  const { error } = (await response.json()) as { error: { code: string; scope?: string } };
  return error.scope ?? error.code;
}

async function requestFrom(app: TestApp, ip: string): Promise<string> {
  return outcome(await app.post('/otp/request', { phone: uniquePhone() }, { 'cf-connecting-ip': ip }));
}

describe('IPv6 clients are keyed by their network', () => {
  it('20 addresses of one /64 get at most RATE_LIMIT_SEND_PER_IP SMS together; another /64 is another client', async () => {
    const app = testApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_IP: '10/1h' });
    const outcomes = [];
    for (let host = 1; host <= 20; host += 1) {
      outcomes.push(
        await requestFrom(
          app,
          `2001:db8:aa:1:${host.toString(16)}:${((host * 7919) & 0xffff).toString(16)}::${host}`,
        ),
      );
    }
    expect(outcomes).toEqual([...Array(10).fill('sent'), ...Array(10).fill('ip')]);
    // Known to be blocked: the next address of the /64 is refused from memory, no round trip.
    const blocked = await countRoundTrips(() => requestFrom(app, '2001:db8:aa:1:ffff::99'));
    expect(blocked).toEqual({ result: 'ip', roundTrips: 0 });
    expect(await requestFrom(app, '2001:db8:aa:2::1')).toBe('sent');
  });

  it('IPV6_CLIENT_PREFIX=48 groups every /64 of a /48, and not the next /48', async () => {
    const app = testApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_IP: '3/1h', IPV6_CLIENT_PREFIX: '48' });
    const outcomes = [];
    for (let subnet = 1; subnet <= 5; subnet += 1)
      outcomes.push(await requestFrom(app, `2001:db8:bb:${subnet}::1`));
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'ip', 'ip']);
    expect(await requestFrom(app, '2001:db8:bc:1::1')).toBe('sent');
  });

  it('the verify-per-IP limit holds across a /64', async () => {
    const app = testApp({ RATE_LIMIT_VERIFY_PER_IP: '5/10m' });
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, { 'cf-connecting-ip': '192.0.2.10' });
    const code = await latestCode(phone);
    const statuses = [];
    for (let host = 1; host <= 7; host += 1) {
      const response = await app.post(
        '/otp/verify',
        { verificationId, code: code === '000000' ? '111111' : '000000' },
        { 'cf-connecting-ip': `2001:db8:cc:1::${host.toString(16)}` },
      );
      statuses.push(await outcome(response));
    }
    expect(statuses.slice(5)).toEqual(['ip', 'ip']);
    // The right code from yet another address of the /64 is not even evaluated, and costs no round trip.
    const blocked = await countRoundTrips(() =>
      app.post('/otp/verify', { verificationId, code }, { 'cf-connecting-ip': '2001:db8:cc:1:ffff::1' }),
    );
    expect(await outcome(blocked.result)).toBe('ip');
    expect(blocked.roundTrips).toBe(0);
  });
});

describe('IPv4 written inside IPv6 is the IPv4 client', () => {
  it.each([['::ffff:203.0.113.9'], ['::203.0.113.9'], ['::ffff:cb00:7109']])(
    '%s via X-End-User-IP shares the limit of 203.0.113.9',
    async (spelling) => {
      const app = testApp({ FRAUD_GUARD: 'off', RATE_LIMIT_SEND_PER_IP: '2/1h', API_KEYS: API_KEY });
      const asServer = (endUserIp: string) =>
        app.post(
          '/otp/request',
          { phone: uniquePhone() },
          { authorization: `Bearer ${API_KEY}`, 'x-end-user-ip': endUserIp },
        );
      expect(await outcome(await asServer('203.0.113.9'))).toBe('sent');
      expect(await outcome(await asServer(spelling))).toBe('sent');
      expect(await outcome(await asServer(spelling))).toBe('ip');
      // CF-Connecting-IP agrees: a browser at the same address is the same client.
      expect(await requestFrom(app, '203.0.113.9')).toBe('ip');
    },
  );
});
