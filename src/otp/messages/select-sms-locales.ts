import { gsm7Length, SEGMENT_LIMITS, type SmsSegments, smsSegments } from '../gsm7.ts';
import { composeOtpMessage, type SmsTextSettings } from '../otp-message.ts';
import { LONGEST_AMOUNT, MAX_PAYEE_LENGTH, type Transaction } from '../transaction.ts';
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
      /** Of `locales`, those whose transaction text fits TRANSACTION_SEGMENT_BUDGET; English always. */
      transactionLocales: ReadonlySet<SmsLocale>;
      /** Of `locales`, those whose transaction SMS go in the next choice instead (English at the latest). */
      transactionOverBudget: readonly LocaleOverBudget[];
    }
  | { ok: false; problems: string[] };

/**
 * Segments an SMS confirming a transaction may take. A 35-character payee and a 17-character amount
 * cannot fit a UCS-2 segment (70 units) beside the code and a sentence, and the payer must read
 * what they approve in their own language (PSD2 dynamic linking), so two segments are allowed;
 * with the default settings every GSM-7 language still fits one (a test holds it to that).
 */
export const TRANSACTION_SEGMENT_BUDGET = 2;

/** The costliest transaction the rules of ../transaction.ts admit: every character one septet or unit. */
export const COSTLIEST_TRANSACTION: Transaction = {
  amount: LONGEST_AMOUNT,
  currency: 'EUR',
  payee: 'W'.repeat(MAX_PAYEE_LENGTH),
};

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
 * - Transaction texts, costed with COSTLIEST_TRANSACTION, may take TRANSACTION_SEGMENT_BUDGET
 *   segments. A language over it keeps its plain codes but its transaction SMS fall through to the
 *   next choice, reported, whichever way SMS_LOCALES was written: a transaction is asked for per
 *   request, and a deployment that never sends one must not be refused for it.
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
  const transactionLocales = new Set<SmsLocale>();
  const transactionOverBudget: LocaleOverBudget[] = [];
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
    if (!locales.has(locale)) continue;
    const transactionCost = smsSegments(
      composeOtpMessage(sampleCode, locale, settings, COSTLIEST_TRANSACTION),
    );
    if (transactionCost.segments <= TRANSACTION_SEGMENT_BUDGET) transactionLocales.add(locale);
    else if (locale === DEFAULT_SMS_LOCALE) {
      problems.push(
        `APP_NAME/WEBOTP_DOMAIN/ANDROID_APP_HASH: the English SMS confirming a transaction needs ${transactionCost.segments} segments, more than ${TRANSACTION_SEGMENT_BUDGET}; shorten them`,
      );
    } else transactionOverBudget.push({ locale, ...transactionCost });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, locales, overBudget, transactionLocales, transactionOverBudget };
}
