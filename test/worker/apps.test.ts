import { describe, expect, it } from 'vitest';
import { appWebhook, parseConfig } from '../../src/config/config.ts';
import { eventWebhookFor } from '../../src/config/event-webhook.ts';
import { captureLogs } from './support/logs.ts';
import {
  countRoundTrips,
  latestCode,
  sandboxMessages,
  startVerification,
  type TestApp,
  testApp,
  testEnv,
  uniqueMobile,
  uniquePhone,
} from './support/stack.ts';

/**
 * Two apps in one deployment (docs/apps.md), on the real stack: each key's requests are its app's
 * (name in the SMS, `aud` in the receipt, code length, countries, test numbers, webhook), and an
 * app's verification id is a 404 to every other app before any store call.
 */

const SHOP_KEY = 'shop-backend-key-0123456789abcdef';
const BLOG_KEY = 'blog-backend-key-0123456789abcdef';
const ADMIN_KEY = 'apps-test-admin-key-0123456789ab';
const BLOG_SECRET = `whsec_${btoa('blog-webhook-secret-32-bytes-long')}`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const SHOP = bearer(SHOP_KEY);
const BLOG = bearer(BLOG_KEY);
/** Shop's test number: for blog it is an ordinary number. */
const SHOP_TEST_NUMBER = uniquePhone();
const french = () => uniqueMobile('+336', 8, 'FR');

const APPS = [
  {
    id: 'shop',
    name: 'Shop Co',
    audience: 'https://shop.example.com',
    allowedCountries: 'US',
    otpLength: 8,
    otpTtlSeconds: 120,
    expected: 'US:400',
  },
  {
    id: 'blog',
    name: 'Blog Inc',
    audience: 'https://blog.example.com',
    allowedCountries: 'US,FR',
    expected: 'US:200,FR:40',
    webhookUrl: 'https://blog.example.com/otp-events',
  },
];

const TWO_APPS = {
  APP_NAME: 'Default Co',
  RECEIPT_AUDIENCE: 'default-backend',
  ADMIN_API_KEYS: ADMIN_KEY,
  FRAUD_GUARD_EXPECTED: 'US:100',
  APPS: JSON.stringify(APPS),
  APP_API_KEYS: `shop:${SHOP_KEY}, blog:${BLOG_KEY}`,
  APP_TEST_NUMBERS: `shop:${SHOP_TEST_NUMBER}:12345678`,
  APP_WEBHOOK_SECRETS: `blog:${BLOG_SECRET}`,
};

function twoApps(overrides: Record<string, string> = {}): TestApp {
  return testApp({ ...TWO_APPS, ...overrides });
}

function audienceOf(receipt: string): unknown {
  return JSON.parse(atob(receipt.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')).aud;
}

async function verify(app: TestApp, verificationId: string, code: string, headers: Record<string, string>) {
  const response = await app.post('/otp/verify', { verificationId, code }, headers);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('apps: one deployment, several apps', () => {
  it("each key's SMS carries its app's name and code length, and its receipt its app's aud", async () => {
    const app = twoApps();
    const cases = [
      { headers: SHOP, name: 'Shop Co', digits: 8, aud: 'https://shop.example.com' },
      { headers: BLOG, name: 'Blog Inc', digits: 6, aud: 'https://blog.example.com' },
      { headers: {}, name: 'Default Co', digits: 6, aud: 'default-backend' },
    ];
    for (const { headers, name, digits, aud } of cases) {
      const phone = uniquePhone();
      const verificationId = await startVerification(app, phone, headers);
      const [sms] = await sandboxMessages(phone);
      expect(sms?.text).toContain(name);
      for (const other of cases.filter((entry) => entry.name !== name)) {
        expect(sms?.text).not.toContain(other.name);
      }
      const code = await latestCode(phone);
      expect(code).toMatch(new RegExp(`^[0-9]{${digits}}$`));
      const verified = await verify(app, verificationId, code, headers);
      expect(verified.status).toBe(200);
      expect(audienceOf(String(verified.body.receipt))).toBe(aud);
    }
  });

  it("one app's test numbers, code lifetime, countries and cooldown do not apply to the other", async () => {
    const app = twoApps();
    // Shop's test number: no SMS, the fixed code of shop's length.
    const shopTest = await startVerification(app, SHOP_TEST_NUMBER, SHOP);
    expect(await sandboxMessages(SHOP_TEST_NUMBER)).toEqual([]);
    // For blog, the same number is an ordinary one, texted a random code, within shop's cooldown:
    // the cooldown and the active verification are each app's own.
    const blogVerification = await startVerification(app, SHOP_TEST_NUMBER, BLOG);
    const [blogSms] = await sandboxMessages(SHOP_TEST_NUMBER);
    expect(blogSms?.text).toContain('Blog Inc');
    expect((await verify(app, shopTest, '12345678', SHOP)).status).toBe(200);
    expect((await verify(app, blogVerification, await latestCode(SHOP_TEST_NUMBER), BLOG)).status).toBe(200);

    // Code lifetimes: shop's own, blog the deployment's.
    const lifetimes = [];
    for (const headers of [SHOP, BLOG]) {
      const response = await app.post('/otp/request', { phone: uniquePhone() }, headers);
      lifetimes.push(((await response.json()) as { expiresInSeconds?: number }).expiresInSeconds);
    }
    expect(lifetimes).toEqual([120, 300]);

    // Countries: blog may send to France, shop may not.
    const phone = french();
    const shopFrance = await app.post('/otp/request', { phone }, SHOP);
    expect(shopFrance.status).toBe(403);
    expect(await shopFrance.json()).toMatchObject({ error: { code: 'country_not_allowed' } });
    expect((await app.post('/otp/request', { phone }, BLOG)).status).toBe(200);
  });

  it('each app has its own webhook settings, for the event delivery to read', () => {
    const parsed = parseConfig(testEnv(TWO_APPS));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(appWebhook(parsed.config, 'blog')).toEqual({
      url: 'https://blog.example.com/otp-events',
      secrets: [BLOG_SECRET],
    });
    expect(appWebhook(parsed.config, 'shop')).toBeUndefined();
    expect(appWebhook(parsed.config, 'default')).toBeUndefined();
    expect(appWebhook(parsed.config, 'unknown')).toBeUndefined();
    // The event delivery's one lookup reads the same; the default app's is EVENT_WEBHOOK_URL.
    expect(eventWebhookFor(parsed.config, 'blog')).toEqual(appWebhook(parsed.config, 'blog'));
    expect(eventWebhookFor(parsed.config, 'shop')).toBeUndefined();
    const withDefault = parseConfig(
      testEnv({
        ...TWO_APPS,
        EVENT_WEBHOOK_URL: 'https://default.example.com/events',
        EVENT_WEBHOOK_SECRETS: BLOG_SECRET,
      }),
    );
    if (!withDefault.ok) throw new Error(withDefault.problems.join('\n'));
    expect(eventWebhookFor(withDefault.config, 'default')).toEqual({
      url: 'https://default.example.com/events',
      secrets: [BLOG_SECRET],
    });
    expect(eventWebhookFor(withDefault.config, 'blog')?.url).toBe('https://blog.example.com/otp-events');
    // The guard's cells are the deployment's: a country's declared volume is every app's together.
    expect(parsed.config.guard.expected.get('US')).toBe(700);
    expect(parsed.config.guard.expected.get('FR')).toBe(40);
  });

  it('a key of another app cannot read, verify, switch or cancel a verification: 404, no store call, nothing counted', async () => {
    const app = twoApps();
    const phone = uniquePhone();
    const verificationId = await startVerification(app, phone, SHOP);
    const code = await latestCode(phone);
    const path = `/otp/verifications/${verificationId}`;

    for (const headers of [BLOG, {}]) {
      const attempts = [
        () => app.call(path, { headers }),
        () => app.post('/otp/verify', { verificationId, code: code.slice(0, 6) }, headers),
        // sms: the channel this deployment offers, so the id is what is checked.
        () => app.post(`${path}/channel`, { channel: 'sms' }, headers),
        () =>
          app.call(path, { method: 'DELETE', headers: { ...headers, 'cf-connecting-ip': '203.0.113.7' } }),
      ];
      for (const attempt of attempts) {
        const { result, roundTrips } = await countRoundTrips(attempt);
        expect(result.status).toBe(404);
        expect(await result.json()).toMatchObject({ error: { code: 'verification_not_found' } });
        expect(roundTrips).toBe(0);
      }
    }

    // Shop still sees it untouched, every attempt left, and verifies it.
    const status = await app.call(path, { headers: SHOP });
    expect(await status.json()).toMatchObject({ status: 'pending', attemptsRemaining: 5 });
    expect((await verify(app, verificationId, code, SHOP)).status).toBe(200);
  });

  it('an app key keeps request and verify at one store round trip each', async () => {
    const app = twoApps();
    const phone = uniquePhone();
    const requested = await countRoundTrips(() => startVerification(app, phone, BLOG));
    expect(requested.roundTrips).toBe(1);
    const code = await latestCode(phone);
    const verified = await countRoundTrips(() => verify(app, requested.result, code, BLOG));
    expect(verified.result.status).toBe(200);
    expect(verified.roundTrips).toBe(1);
  });

  it('/admin/stats reports sends, verifications and refusals per app', async () => {
    const app = twoApps({ RATE_LIMIT_SEND_PER_PHONE: '1/1h', OTP_RESEND_COOLDOWN_SECONDS: '0' });
    const shopPhone = uniquePhone();
    const shopId = await startVerification(app, shopPhone, SHOP);
    expect((await verify(app, shopId, await latestCode(shopPhone), SHOP)).status).toBe(200);
    await startVerification(app, SHOP_TEST_NUMBER, SHOP);
    const blogPhone = uniquePhone();
    await startVerification(app, blogPhone, BLOG);
    // The per-phone limit is the deployment's (1/1h here): blog's second send is refused, and counted as blog's.
    expect((await app.post('/otp/request', { phone: blogPhone }, BLOG)).status).toBe(429);
    await startVerification(app, uniquePhone());

    const response = await app.call('/admin/stats?hours=1', { headers: bearer(ADMIN_KEY) });
    const body = (await response.json()) as { apps: Record<string, unknown> };
    expect(body.apps).toEqual({
      shop: {
        sent: 1,
        verified: 1,
        test_sent: 1,
        test_verified: 0,
        verificationRate: 1,
        refused: {},
        shadow: {},
        challenged: {},
      },
      blog: {
        sent: 1,
        verified: 0,
        test_sent: 0,
        test_verified: 0,
        verificationRate: 0,
        refused: { phone: 1 },
        shadow: {},
        challenged: {},
      },
      default: {
        sent: 1,
        verified: 0,
        test_sent: 0,
        test_verified: 0,
        verificationRate: 0,
        refused: {},
        shadow: {},
        challenged: {},
      },
    });
  });
});

describe('apps: configuration errors name the app and the field', () => {
  function problemsOf(overrides: Record<string, string>): string[] {
    const parsed = parseConfig(testEnv({ ...TWO_APPS, ...overrides }));
    return parsed.ok ? [] : parsed.problems;
  }
  const withApps = (change: (apps: Record<string, unknown>[]) => void) => {
    const apps: Record<string, unknown>[] = structuredClone(APPS);
    change(apps);
    return { APPS: JSON.stringify(apps) };
  };

  it.each([
    [
      'a code length out of range',
      withApps((apps) => Object.assign(apps[0] ?? {}, { otpLength: 4 })),
      /^APPS: app "shop": otpLength: /,
    ],
    [
      'an unknown field',
      withApps((apps) => Object.assign(apps[1] ?? {}, { colour: 'red' })),
      /^APPS: app "blog": /,
    ],
    [
      'two apps with one audience',
      withApps((apps) => Object.assign(apps[1] ?? {}, { audience: 'https://shop.example.com' })),
      /^APPS: app "blog": audience: is also app "shop"'s/,
    ],
    [
      "the default app's audience",
      withApps((apps) => Object.assign(apps[0] ?? {}, { audience: 'default-backend' })),
      /^APPS: app "shop": audience: is the default app's too/,
    ],
    [
      'the reserved id',
      withApps((apps) => Object.assign(apps[1] ?? {}, { id: 'default' })),
      /^APPS: app "default": id: /,
    ],
    [
      'a bad declared volume',
      withApps((apps) => Object.assign(apps[0] ?? {}, { expected: 'US:lots' })),
      /^APPS: app "shop": expected: /,
    ],
    [
      'a webhook URL without a secret',
      { APP_WEBHOOK_SECRETS: '' },
      /^APPS: app "blog": webhookUrl: needs at least one secret/,
    ],
    [
      'a secret that is not whsec_',
      { APP_WEBHOOK_SECRETS: 'blog:not-a-webhook-secret' },
      /^APP_WEBHOOK_SECRETS: app "blog": secret 1 /,
    ],
    [
      'a key of an undeclared app',
      { APP_API_KEYS: `shop:${SHOP_KEY},news:${BLOG_KEY}` },
      /^APP_API_KEYS: entry 2 names app "news", which APPS does not declare/,
    ],
    [
      'a key listed for two apps',
      { APP_API_KEYS: `shop:${SHOP_KEY},blog:${SHOP_KEY}` },
      /a key belongs to exactly one app/,
    ],
    ['an app key that is also a default-app key', { API_KEYS: SHOP_KEY }, /a key belongs to exactly one app/],
    [
      'a test number code of the wrong length',
      { APP_TEST_NUMBERS: `shop:${SHOP_TEST_NUMBER}:123456` },
      /^APP_TEST_NUMBERS: app "shop": entry 1 needs a code of exactly 8 digits/,
    ],
    ['APPS that is not JSON', { APPS: '[{id: shop}]' }, /^APPS: is not JSON/],
  ])('%s', (_name, overrides, problem) => {
    expect(problemsOf(overrides)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it("a language an app's longer name or code leaves out is a warning that names the app", () => {
    const apps = [{ ...APPS[0], name: 'Shop Company International Ltd', otpLength: 10 }];
    const parsed = parseConfig(
      testEnv({
        ...TWO_APPS,
        APPS: JSON.stringify(apps),
        APP_API_KEYS: '',
        APP_TEST_NUMBERS: '',
        APP_WEBHOOK_SECRETS: '',
      }),
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^APPS: app "shop": SMS_LOCALES [a-z]/)]),
    );
    expect(parsed.config.apps.get('shop')?.message.locales.size).toBeLessThan(
      parsed.config.message.locales.size,
    );
  });

  it('a bad app makes every request 503 misconfigured, and the log names the app, never a key', async () => {
    const app = twoApps(withApps((apps) => Object.assign(apps[0] ?? {}, { otpTtlSeconds: 900 })));
    const { result, lines } = await captureLogs(() =>
      app.post('/otp/request', { phone: uniquePhone() }, SHOP),
    );
    expect(result.status).toBe(503);
    expect(await result.json()).toMatchObject({ error: { code: 'misconfigured' } });
    expect(lines.join('\n')).toContain('APPS: app \\"shop\\": otpTtlSeconds');
    expect(lines.join('\n')).not.toContain(SHOP_KEY);
  });
});
