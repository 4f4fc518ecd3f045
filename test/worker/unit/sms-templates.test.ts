import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import { smsSegments } from '../../../src/otp/gsm7.ts';
import { chooseSmsLocale } from '../../../src/otp/messages/choose-locale.ts';
import { COUNTRIES_BY_LOCALE, LOCALE_BY_COUNTRY } from '../../../src/otp/messages/country-languages.ts';
import {
  COSTLIEST_TRANSACTION,
  selectSmsLocales,
  TRANSACTION_SEGMENT_BUDGET,
} from '../../../src/otp/messages/select-sms-locales.ts';
import { SMS_LOCALES, type SmsLocale, TEMPLATES } from '../../../src/otp/messages/templates.ts';
import { composeOtpMessage } from '../../../src/otp/otp-message.ts';
import { testEnv } from '../support/stack.ts';

const DEFAULTS = { appName: 'OTP Edge', ttlSeconds: 300 };
const ALL = new Set(SMS_LOCALES);

describe('the templates', () => {
  it('cover at least 30 languages, the largest mobile markets among them', () => {
    expect(SMS_LOCALES.length).toBeGreaterThanOrEqual(30);
    const named =
      'zh hi es ar pt bn ru ja id fr de tr vi ko it pl uk fa th ur nl ro el cs hu sv he ms sw fil';
    for (const language of named.split(' ')) {
      expect(chooseSmsLocale(language, 'US', ALL).split('-')[0], language).toBe(language);
    }
  });

  it.each(SMS_LOCALES)('%s has the code, the app name and the lifetime, in NFC, on one line', (locale) => {
    const { text } = TEMPLATES[locale];
    for (const placeholder of ['{code}', '{app}', '{minutes}']) expect(text).toContain(placeholder);
    expect(text).toBe(text.normalize('NFC'));
    expect(text).not.toContain('\n');
  });

  it.each(SMS_LOCALES)(
    '%s has a phrase for every plural form its language uses for 1-10 minutes',
    (locale) => {
      const phrases: Record<string, string | undefined> = TEMPLATES[locale].minutes;
      const rules = new Intl.PluralRules(locale);
      for (let minutes = 1; minutes <= 10; minutes += 1) {
        expect(phrases[rules.select(minutes)], `${locale} ${minutes}`).toBeDefined();
        const text = composeOtpMessage('123456', locale, { ...DEFAULTS, ttlSeconds: minutes * 60 });
        expect(text).not.toMatch(/[{}]/);
        // Arabic and Hebrew write one and two minutes as words; every other form shows the number.
        if (minutes > 2) expect(text.replace('123456', '')).toContain(String(minutes));
      }
    },
  );

  it.each(SMS_LOCALES)(
    '%s fits one segment with a 6-digit code, the default app name and 5 minutes',
    (locale) => {
      const cost = smsSegments(composeOtpMessage('123456', locale, DEFAULTS));
      expect(cost.segments).toBe(1);
      expect(cost.units).toBeLessThanOrEqual(cost.encoding === 'UCS-2' ? 70 : 160);
    },
  );

  it('the UCS-2 languages are the ones whose script or correct spelling needs it', () => {
    const ucs2 = SMS_LOCALES.filter(
      (locale) => smsSegments(composeOtpMessage('123456', locale, DEFAULTS)).encoding === 'UCS-2',
    );
    // Every Latin-script language missing here kept a GSM-7 spelling; this list changing is a
    // change in what the SMS costs, so it is spelled out.
    expect(ucs2.sort()).toEqual(
      [
        'pt',
        'pt-PT',
        'cs',
        'hu',
        'tr',
        'vi',
        'el',
        'ru',
        'uk',
        'ar',
        'fa',
        'he',
        'hi',
        'bn',
        'ur',
        'th',
        'ja',
        'ko',
        'zh-Hans',
        'zh-Hant',
      ].sort(),
    );
  });

  it.each(SMS_LOCALES)(
    '%s: the Android hash comes before the WebOTP line, which is last and ASCII',
    (locale) => {
      const code = '0123456789';
      const text = composeOtpMessage(code, locale, {
        ...DEFAULTS,
        webOtpDomain: 'login.example.com',
        androidAppHash: 'FA+9qCX9VSu',
      });
      const lines = text.split('\n');
      expect(lines.at(-1)).toBe(`@login.example.com #${code}`);
      expect(lines.at(-2)).toBe('');
      expect(lines.at(-3)).toBe('FA+9qCX9VSu');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain(code);
    },
  );

  it('an APP_NAME holding a placeholder stays literal', () => {
    expect(composeOtpMessage('123456', 'en', { ...DEFAULTS, appName: '{code} {minutes}' })).toBe(
      '123456 is your {code} {minutes} verification code. It expires in 5 minutes.',
    );
  });
});

describe('the transaction templates', () => {
  const ACME = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };

  it.each(SMS_LOCALES)(
    '%s names the code, app, amount, currency, payee and lifetime once each, in NFC, on one line',
    (locale) => {
      const { transaction } = TEMPLATES[locale];
      for (const placeholder of ['{code}', '{app}', '{amount}', '{currency}', '{payee}', '{minutes}']) {
        expect(transaction.split(placeholder), placeholder).toHaveLength(2);
      }
      expect(transaction).toBe(transaction.normalize('NFC'));
      expect(transaction).not.toContain('\n');
      const text = composeOtpMessage('123456', locale, DEFAULTS, ACME);
      expect(text).not.toMatch(/[{}]/);
      for (const shown of ['123456', 'OTP Edge', '1250.00 EUR', 'ACME Ltd']) expect(text).toContain(shown);
    },
  );

  it.each(SMS_LOCALES)(
    '%s with the longest amount and a 35-character payee: one segment if GSM-7, at most two if UCS-2, the encoding of its plain text',
    (locale) => {
      const plain = smsSegments(composeOtpMessage('123456', locale, DEFAULTS));
      const cost = smsSegments(composeOtpMessage('123456', locale, DEFAULTS, COSTLIEST_TRANSACTION));
      expect(cost.encoding).toBe(plain.encoding);
      expect(cost.segments).toBeLessThanOrEqual(cost.encoding === 'GSM-7' ? 1 : TRANSACTION_SEGMENT_BUDGET);
    },
  );

  it('the costliest transaction costs no less than any other the rules admit', () => {
    const costly = smsSegments(composeOtpMessage('123456', 'en', DEFAULTS, COSTLIEST_TRANSACTION)).units;
    for (const payee of ['X'.repeat(35), 'Ä'.repeat(35), "O'Brien & Søn (No. 7) ApS ÆØÅ éèù!?"]) {
      const transaction = { amount: '999999999999.9999', currency: 'CHF', payee };
      expect(smsSegments(composeOtpMessage('123456', 'en', DEFAULTS, transaction)).units).toBeLessThanOrEqual(
        costly,
      );
    }
  });

  it('reads exactly as the issue asks in English', () => {
    expect(composeOtpMessage('123456', 'en', DEFAULTS, ACME)).toBe(
      '123456 is your OTP Edge code to confirm 1250.00 EUR to ACME Ltd. It expires in 5 minutes.',
    );
  });

  it('a payee holding a placeholder stays literal, and the WebOTP line stays last', () => {
    const text = composeOtpMessage(
      '123456',
      'en',
      { ...DEFAULTS, webOtpDomain: 'login.example.com' },
      { ...ACME, payee: '{code} {amount}' },
    );
    expect(text).toBe(
      '123456 is your OTP Edge code to confirm 1250.00 EUR to {code} {amount}. It expires in 5 minutes.\n\n@login.example.com #123456',
    );
  });
});

describe('chooseSmsLocale', () => {
  it('takes the exact tag, then the language with its script, with its region, then the bare language', () => {
    expect(chooseSmsLocale('pt-PT', 'BR', ALL)).toBe('pt-PT');
    expect(chooseSmsLocale('pt-BR', 'PT', ALL)).toBe('pt');
    expect(chooseSmsLocale('pt-AO', 'US', ALL)).toBe('pt-PT');
    expect(chooseSmsLocale('zh', 'US', ALL)).toBe('zh-Hans');
    expect(chooseSmsLocale('zh-HK', 'US', ALL)).toBe('zh-Hant');
    expect(chooseSmsLocale('zh-Hans-HK', 'US', ALL)).toBe('zh-Hans');
    expect(chooseSmsLocale('zh-hant', 'CN', ALL)).toBe('zh-Hant');
    expect(chooseSmsLocale('FR-ca', 'US', ALL)).toBe('fr');
    expect(chooseSmsLocale('es-419', 'US', ALL)).toBe('es');
    expect(chooseSmsLocale('de-CH-1996', 'US', ALL)).toBe('de');
  });

  it('understands the old and alternative codes of its languages', () => {
    expect(chooseSmsLocale('iw', 'US', ALL)).toBe('he');
    expect(chooseSmsLocale('in-ID', 'US', ALL)).toBe('id');
    expect(chooseSmsLocale('tl', 'US', ALL)).toBe('fil');
    expect(chooseSmsLocale('no', 'US', ALL)).toBe('nb');
  });

  it('falls back to the country, then English, for tags without a template', () => {
    expect(chooseSmsLocale('xx', 'DE', ALL)).toBe('de');
    expect(chooseSmsLocale('sr-Latn-RS', 'RS', ALL)).toBe('en');
    expect(chooseSmsLocale(undefined, 'BR', ALL)).toBe('pt');
    expect(chooseSmsLocale(undefined, 'TW', ALL)).toBe('zh-Hant');
    expect(chooseSmsLocale(undefined, 'IN', ALL)).toBe('en');
    expect(chooseSmsLocale(undefined, 'XX', ALL)).toBe('en');
  });

  it('skips languages that are not enabled, down to English', () => {
    const some = new Set<SmsLocale>(['en', 'zh-Hans', 'pt']);
    expect(chooseSmsLocale('zh-TW', 'TW', some)).toBe('zh-Hans');
    expect(chooseSmsLocale('pt-PT', 'PT', some)).toBe('pt');
    expect(chooseSmsLocale('fr', 'FR', some)).toBe('en');
    expect(chooseSmsLocale('fr', 'BR', some)).toBe('pt');
  });
});

describe('the country table', () => {
  it('names each country once, as an ISO 3166 alpha-2 code, with a language that has a template', () => {
    const listed = Object.values(COUNTRIES_BY_LOCALE).flatMap((countries) => (countries ?? '').split(' '));
    expect(listed.length).toBe(LOCALE_BY_COUNTRY.size);
    for (const country of listed) expect(country).toMatch(/^[A-Z]{2}$/);
    for (const locale of Object.keys(COUNTRIES_BY_LOCALE)) expect(SMS_LOCALES).toContain(locale);
  });

  it('gives the big markets their language', () => {
    const expected: Record<string, SmsLocale> = {
      CN: 'zh-Hans',
      BR: 'pt',
      RU: 'ru',
      JP: 'ja',
      MX: 'es',
      ID: 'id',
      DE: 'de',
      FR: 'fr',
      TR: 'tr',
      VN: 'vi',
      KR: 'ko',
      IT: 'it',
      EG: 'ar',
      IR: 'fa',
      TH: 'th',
      BD: 'bn',
      PL: 'pl',
      UA: 'uk',
      IL: 'he',
    };
    for (const [country, locale] of Object.entries(expected))
      expect(LOCALE_BY_COUNTRY.get(country), country).toBe(locale);
  });
});

describe('selectSmsLocales', () => {
  it('by default enables every language that fits one segment', () => {
    const selection = selectSmsLocales('all', 6, DEFAULTS);
    expect(selection).toEqual({
      ok: true,
      locales: ALL,
      overBudget: [],
      transactionLocales: ALL,
      transactionOverBudget: [],
    });
  });

  it('with a long app name and a WebOTP line, leaves the UCS-2 languages over 70 units out and says by how much', () => {
    const selection = selectSmsLocales('all', 6, {
      ...DEFAULTS,
      appName: 'Acme Federal Credit Union Bank',
      webOtpDomain: 'login.acme-bank.example',
    });
    if (!selection.ok) throw new Error(selection.problems.join());
    expect(selection.locales.has('en')).toBe(true);
    expect(selection.locales.has('es')).toBe(true);
    expect(selection.locales.has('ru')).toBe(false);
    expect(selection.overBudget.find((entry) => entry.locale === 'ru')).toMatchObject({
      encoding: 'UCS-2',
      segments: 2,
    });
    for (const entry of selection.overBudget) expect(entry.units).toBeGreaterThan(70);
  });

  it('an explicit list is exact (case-insensitive), always with English, and refuses a listed language over budget', () => {
    const listed = selectSmsLocales(['DE', 'pt-pt'], 6, DEFAULTS);
    expect(listed).toMatchObject({ ok: true, locales: new Set(['en', 'de', 'pt-PT']) });
    const over = selectSmsLocales(['ru'], 10, { ...DEFAULTS, appName: 'A'.repeat(30) });
    expect(over).toMatchObject({ ok: false });
    if (!over.ok) expect(over.problems.join()).toMatch(/^SMS_LOCALES: ru would need 2 segments/);
  });

  it('with a longer app name, leaves the UCS-2 languages over two segments out of transaction SMS only, and says by how much', () => {
    const selection = selectSmsLocales('all', 6, { ...DEFAULTS, appName: 'Acme Bank Online' });
    if (!selection.ok) throw new Error(selection.problems.join());
    expect(selection.locales).toEqual(ALL);
    expect(selection.transactionLocales.has('ru')).toBe(false);
    for (const kept of ['en', 'de', 'fil', 'ja', 'zh-Hans'] as const)
      expect(selection.transactionLocales.has(kept)).toBe(true);
    expect(selection.transactionOverBudget.find((entry) => entry.locale === 'ru')).toMatchObject({
      encoding: 'UCS-2',
      segments: 3,
    });
    for (const entry of selection.transactionOverBudget) {
      expect(entry.units).toBeGreaterThan(2 * 67);
      expect(selection.transactionLocales.has(entry.locale)).toBe(false);
    }
  });

  it('an explicit list is not refused for a transaction text over budget: that language falls through for transactions only', () => {
    const listed = selectSmsLocales(['ru', 'de'], 6, { ...DEFAULTS, appName: 'Acme Bank Online' });
    expect(listed).toMatchObject({
      ok: true,
      locales: new Set(['en', 'ru', 'de']),
      transactionLocales: new Set(['en', 'de']),
    });
  });

  it('the transaction languages reach the configuration, and the first request logs which fell through', () => {
    const parsed = parseConfig(testEnv({ APP_NAME: 'Acme Bank Online' }));
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(parsed.config.message.transactionLocales.has('ru')).toBe(false);
    expect(parsed.config.message.transactionLocales.has('de')).toBe(true);
    expect(parsed.config.warnings).toContainEqual(
      expect.stringMatching(
        /^SMS_LOCALES: ru left out for transaction SMS, which would need up to 3 segments/,
      ),
    );
  });

  it('refuses an APP_NAME outside GSM-7 and an English text over 160', () => {
    const unicode = selectSmsLocales('all', 6, { ...DEFAULTS, appName: 'Café ☕' });
    if (unicode.ok) throw new Error('accepted a non-GSM APP_NAME');
    expect(unicode.problems.join()).toMatch(/^APP_NAME: .*GSM-7/);
    const long = selectSmsLocales('all', 10, {
      ...DEFAULTS,
      appName: 'A'.repeat(30),
      webOtpDomain: `${'sub.'.repeat(15)}example.com`,
    });
    if (long.ok) throw new Error('accepted an English text over one segment');
    expect(long.problems.join()).toMatch(/English SMS needs \d+ GSM-7 characters, more than one segment/);
  });
});
