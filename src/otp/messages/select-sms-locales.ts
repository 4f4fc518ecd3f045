import { gsm7Length, SEGMENT_LIMITS, type SmsSegments, smsSegments } from '../gsm7.ts';
import { composeOtpMessage, type SmsTextSettings } from '../otp-message.ts';
import { DEFAULT_SMS_LOCALE, SMS_LOCALES, type SmsLocale } from './templates.ts';

export interface LocaleOverBudget extends SmsSegments {
  locale: SmsLocale;
}

export type SmsLocaleSelection =
  | {
      ok: true;
      locales: ReadonlySet<SmsLocale>;
      /** Left out because their text would need more than one segment (only when SMS_LOCALES is `*`). */
      overBudget: readonly LocaleOverBudget[];
    }
  | { ok: false; problems: string[] };

/**
 * Which languages SMS may be written in, decided when the configuration loads (not while a user
 * waits): each language's text is composed with this APP_NAME, lifetime, code length, Android
 * hash and WebOTP line, and costed in segments, because every segment is billed.
 *
 * - English, the last fallback, must fit one GSM-7 segment: otherwise the configuration is refused.
 * - `requested` is `all` (SMS_LOCALES unset or `*`): a language that would need two segments is
 *   left out, and the caller reports it; its numbers get the next choice (English at the latest),
 *   so neither a doubled bill nor a refusal to start comes from Thai being long.
 * - An explicit list: each listed language must fit, or the configuration is refused, naming it.
 *   The operator asked for it by name; silently sending English instead would be a surprise.
 */
export function selectSmsLocales(
  requested: 'all' | readonly string[],
  codeLength: number,
  settings: SmsTextSettings,
): SmsLocaleSelection {
  // APP_NAME appears in every language: a non-GSM name would make even English UCS-2.
  if (gsm7Length(settings.appName) === undefined) {
    return {
      ok: false,
      problems: ['APP_NAME: contains characters outside GSM-7, which would make every SMS UCS-2'],
    };
  }
  const problems: string[] = [];
  const wanted = new Set<SmsLocale>([DEFAULT_SMS_LOCALE]);
  if (requested === 'all') for (const locale of SMS_LOCALES) wanted.add(locale);
  else {
    for (const entry of requested) {
      const locale = SMS_LOCALES.find((known) => known.toLowerCase() === entry.toLowerCase());
      if (locale) wanted.add(locale);
      else problems.push(`SMS_LOCALES: "${entry}" has no template (known: ${SMS_LOCALES.join(', ')})`);
    }
  }

  const sampleCode = '0'.repeat(codeLength);
  const locales = new Set<SmsLocale>();
  const overBudget: LocaleOverBudget[] = [];
  for (const locale of wanted) {
    const cost = smsSegments(composeOtpMessage(sampleCode, locale, settings));
    if (cost.segments === 1) locales.add(locale);
    else if (locale === DEFAULT_SMS_LOCALE) {
      problems.push(
        `APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH: the English SMS needs ${cost.units} GSM-7 characters, more than one segment (160); shorten them`,
      );
    } else if (requested === 'all') overBudget.push({ locale, ...cost });
    else {
      problems.push(
        `SMS_LOCALES: ${locale} would need ${cost.segments} segments (${cost.units} ${cost.encoding} units, one holds ${SEGMENT_LIMITS[cost.encoding].single}); drop it or shorten APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, locales, overBudget };
}
