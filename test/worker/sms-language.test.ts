import { describe, expect, it, vi } from 'vitest';
import { smsSegments } from '../../src/otp/gsm7.ts';
import {
  latestCode,
  sandboxMessages,
  type TestApp,
  testApp,
  uniqueMobile,
  uniquePhone,
} from './support/stack.ts';

const french = () => uniqueMobile('+336', 8, 'FR');
const german = () => uniqueMobile('+49151', 8, 'DE');
const japanese = () => uniqueMobile('+8190', 8, 'JP');

/** Requests a code and returns the SMS text as the sandbox received it, and the code in it. */
async function smsFor(app: TestApp, phone: string, locale?: string): Promise<{ text: string; code: string }> {
  const response = await app.post('/otp/request', locale === undefined ? { phone } : { phone, locale });
  expect(response.status, await response.clone().text()).toBe(200);
  const [sms] = await sandboxMessages(phone);
  return { text: sms?.text ?? '', code: await latestCode(phone) };
}

async function logLinesOf(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spies = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error')].map((spy) =>
    spy.mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  try {
    await action();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the language of the SMS', () => {
  it('is the one `locale` names, whatever the number', async () => {
    const app = testApp();
    const fr = await smsFor(app, uniquePhone(), 'fr');
    expect(fr.text).toBe(`${fr.code} est votre code OTP Edge. Il expire dans 5 minutes.`);
    const ru = await smsFor(app, uniquePhone(), 'ru-RU');
    expect(ru.text).toBe(`${ru.code} — ваш код OTP Edge. Действует 5 минут.`);
    const zh = await smsFor(app, uniquePhone(), 'zh-TW');
    expect(zh.text).toBe(`${zh.code}是您的OTP Edge驗證碼，5分鐘內有效。`);
  });

  it("without `locale`, is the language of the number's country: French for +33, German for +49, Japanese for +81, English for +1", async () => {
    const app = testApp();
    const fr = await smsFor(app, french());
    expect(fr.text).toBe(`${fr.code} est votre code OTP Edge. Il expire dans 5 minutes.`);
    const de = await smsFor(app, german());
    expect(de.text).toBe(`${de.code} ist Ihr Code für OTP Edge. Er ist 5 Minuten gültig.`);
    const ja = await smsFor(app, japanese());
    expect(ja.text).toBe(`${ja.code}はOTP Edgeの認証コードです。5分間有効です。`);
    const en = await smsFor(app, uniquePhone());
    expect(en.text).toBe(`${en.code} is your OTP Edge verification code. It expires in 5 minutes.`);
  });

  it('`locale` wins over the country', async () => {
    const sms = await smsFor(testApp(), french(), 'de');
    expect(sms.text).toBe(`${sms.code} ist Ihr Code für OTP Edge. Er ist 5 Minuten gültig.`);
  });

  it('a well-formed locale without a template falls back: its language, then the country, then English', async () => {
    const app = testApp();
    const frenchCanadian = await smsFor(app, uniquePhone(), 'fr-CA');
    expect(frenchCanadian.text).toMatch(/ est votre code OTP Edge\./);
    const unknownOnGerman = await smsFor(app, german(), 'xx-YY');
    expect(unknownOnGerman.text).toMatch(/ ist Ihr Code für OTP Edge\./);
    const unknownOnUs = await smsFor(app, uniquePhone(), 'tlh');
    expect(unknownOnUs.text).toMatch(/ is your OTP Edge verification code\./);
  });

  it('a malformed locale is a 400 invalid_request naming the field, and no SMS goes out', async () => {
    const app = testApp();
    for (const locale of ['english please', '12', 'e', `en-${'x'.repeat(40)}`, 'en_US', 'en-']) {
      const phone = uniquePhone();
      const response = await app.post('/otp/request', { phone, locale });
      expect(response.status, locale).toBe(400);
      const body = (await response.json()) as { error: { code: string; issues: { field: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.issues.map((issue) => issue.field)).toContain('locale');
      expect(body.error.issues.every((issue) => issue.field === 'locale')).toBe(true);
      expect(await sandboxMessages(phone)).toEqual([]);
    }
  });

  it.each([
    [
      'ru',
      () => uniqueMobile('+79', 9, 'RU'),
      (code: string) => `${code} — ваш код OTP Edge. Действует 5 минут.`,
    ],
    [
      'ar',
      () => uniqueMobile('+9665', 8, 'SA'),
      (code: string) => `${code} هو رمز OTP Edge الخاص بك. صالح لمدة 5 دقائق.`,
    ],
  ])(
    '%s, a UCS-2 language chosen by the country, fits one 70-unit segment with a 6-digit code and the default app name',
    async (_locale, phone, expected) => {
      const sms = await smsFor(testApp(), phone());
      expect(sms.code).toMatch(/^\d{6}$/);
      expect(sms.text).toBe(expected(sms.code));
      const cost = smsSegments(sms.text);
      expect(cost.encoding).toBe('UCS-2');
      expect(cost.units).toBeLessThanOrEqual(70);
      expect(cost.segments).toBe(1);
    },
  );

  it('keeps the Android hash and, last, the ASCII WebOTP line in a UCS-2 language', async () => {
    const app = testApp({ WEBOTP_DOMAIN: 'example.com', ANDROID_APP_HASH: 'FA+9qCX9VSu' });
    const sms = await smsFor(app, japanese());
    expect(sms.text).toBe(
      `${sms.code}はOTP Edgeの認証コードです。5分間有効です。\nFA+9qCX9VSu\n\n@example.com #${sms.code}`,
    );
    expect(smsSegments(sms.text)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('SMS_LOCALES restricts the languages: a +33 number, even asking for French, gets English when French is not listed', async () => {
    const app = testApp({ SMS_LOCALES: 'en, de' });
    const asked = await smsFor(app, french(), 'fr');
    expect(asked.text).toMatch(/ is your OTP Edge verification code\./);
    const byCountry = await smsFor(app, french());
    expect(byCountry.text).toMatch(/ is your OTP Edge verification code\./);
    const listed = await smsFor(app, french(), 'de');
    expect(listed.text).toMatch(/ ist Ihr Code für OTP Edge\./);
  });

  it("the request's log line names the language, never the code", async () => {
    const app = testApp();
    const phone = french();
    const [line] = await logLinesOf(() => app.post('/otp/request', { phone }));
    const code = await latestCode(phone);
    expect(line).toMatchObject({ route: '/otp/request', outcome: 'sent', country: 'FR', locale: 'fr' });
    expect(JSON.stringify(line)).not.toContain(code);
  });
});

describe('the segment budget per language, checked when the configuration loads', () => {
  // 30 characters of APP_NAME and a WebOTP line: still one GSM-7 segment in English, but two in
  // Russian (UCS-2, 70 units).
  const long = { APP_NAME: 'Acme Federal Credit Union Bank', WEBOTP_DOMAIN: 'login.acme-bank.example' };

  it('with SMS_LOCALES left to *, a language over one segment is left out, reported once in the log, and its numbers get English', async () => {
    const app = testApp(long);
    const phone = uniqueMobile('+79', 9, 'RU');
    const [first, second] = await logLinesOf(async () => {
      await app.post('/otp/request', { phone, locale: 'ru' });
      await app.call('/health');
    });
    expect(first?.status).toBe(200);
    expect(first?.locale).toBe('en');
    const warnings = first?.warnings as string[];
    expect(warnings.find((warning) => warning.startsWith('SMS_LOCALES: ru left out'))).toMatch(/2 segments/);
    expect(second).not.toHaveProperty('warnings');
    const [sms] = await sandboxMessages(phone);
    expect(sms?.text).toMatch(/^\d{6} is your Acme Federal Credit Union Bank verification code\./);
    expect(smsSegments(sms?.text ?? '').segments).toBe(1);
  });

  it('a language listed in SMS_LOCALES that would need two segments makes the configuration invalid, naming it', async () => {
    const app = testApp({ ...long, SMS_LOCALES: 'en,de,ru' });
    const [line] = await logLinesOf(() => app.post('/otp/request', { phone: uniquePhone() }));
    expect(line).toMatchObject({ status: 503, outcome: 'misconfigured' });
    const problems = ((line?.problems ?? []) as string[]).join('\n');
    expect(problems).toMatch(/SMS_LOCALES: ru would need 2 segments \(\d+ UCS-2 units, one holds 70\)/);
    expect(problems).not.toMatch(/\bde\b would need/);
  });

  it.each([
    ['en,xx', 'SMS_LOCALES: "xx" has no template'],
    ['en,klingon', 'SMS_LOCALES: must be * or a list of language tags'],
  ])('SMS_LOCALES=%s is refused, naming the setting', async (value, problem) => {
    const [line] = await logLinesOf(() =>
      testApp({ SMS_LOCALES: value }).post('/otp/request', { phone: uniquePhone() }),
    );
    expect(line).toMatchObject({ status: 503, outcome: 'misconfigured' });
    expect(((line?.problems ?? []) as string[]).join()).toContain(problem);
  });
});
