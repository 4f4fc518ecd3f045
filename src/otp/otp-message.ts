import { type PluralPhrases, type SmsLocale, TEMPLATES } from './messages/templates.ts';
import type { Transaction } from './transaction.ts';

/** What shapes the SMS text besides the code and the language. */
export interface SmsTextSettings {
  appName: string;
  ttlSeconds: number;
  /** Origin-bound last line for the WebOTP API and iOS/Android autofill. */
  webOtpDomain?: string | undefined;
  /** Android SMS Retriever app hash (11 characters). */
  androidAppHash?: string | undefined;
}

export interface OtpMessageSettings extends SmsTextSettings {
  /**
   * The languages an SMS may be written in: SMS_LOCALES, less those that would need a second
   * segment when SMS_LOCALES was left to its default; English always (messages/select-sms-locales.ts).
   */
  locales: ReadonlySet<SmsLocale>;
  /**
   * The languages an SMS confirming a transaction may be written in: those whose transaction text
   * fits TRANSACTION_SEGMENT_BUDGET with the longest amount and payee; English always.
   */
  transactionLocales: ReadonlySet<SmsLocale>;
}

/**
 * The SMS for `code` in `locale`; with a `transaction`, the text that names the amount and the
 * payee being approved (checked by ../transaction.ts before it gets here).
 */
export function composeOtpMessage(
  code: string,
  locale: SmsLocale,
  settings: SmsTextSettings,
  transaction?: Transaction,
): string {
  const minutes = Math.max(1, Math.ceil(settings.ttlSeconds / 60));
  const template = TEMPLATES[locale];
  const values: Record<string, string> = {
    code,
    app: settings.appName,
    minutes: minutesPhrase(template.minutes, locale, minutes),
    amount: transaction?.amount ?? '',
    currency: transaction?.currency ?? '',
    payee: transaction?.payee ?? '',
  };
  const text = transaction === undefined ? template.text : template.transaction;
  // One pass, so an APP_NAME or a payee that happens to contain `{code}` stays literal.
  const lines = [
    text.replace(/\{(code|app|minutes|amount|currency|payee)\}/g, (_, name: string) => values[name] ?? ''),
  ];
  // The WebOTP format requires the origin-bound line to be the LAST line, so the Android hash
  // (which only needs to appear somewhere in the message) goes before it. Both are ASCII and the
  // same in every language.
  if (settings.androidAppHash) lines.push(settings.androidAppHash);
  if (settings.webOtpDomain) lines.push('', `@${settings.webOtpDomain} #${code}`);
  return lines.join('\n');
}

const pluralRules = new Map<SmsLocale, Intl.PluralRules>();

function minutesPhrase(phrases: PluralPhrases, locale: SmsLocale, minutes: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const phrase = phrases[rules.select(minutes)] ?? phrases.other;
  return phrase.replace('{n}', String(minutes));
}
