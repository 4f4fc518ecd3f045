/**
 * Writes docs/messages.md: every SMS template as it renders, with its encoding and segment count,
 * and the country table. `test/local/messages-doc.test.ts` fails when the file is out of date, so
 * the page a reviewer reads is the text users receive.
 *
 *   npm run docs:messages     (node scripts/render-messages.ts)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { smsSegments } from '../src/otp/gsm7.ts';
import { COUNTRIES_BY_LOCALE } from '../src/otp/messages/country-languages.ts';
import { COSTLIEST_TRANSACTION, TRANSACTION_SEGMENT_BUDGET } from '../src/otp/messages/select-sms-locales.ts';
import { SMS_LOCALES, type SmsLocale } from '../src/otp/messages/templates.ts';
import { composeOtpMessage, type SmsTextSettings } from '../src/otp/otp-message.ts';

export const MESSAGES_DOC = fileURLToPath(new URL('../docs/messages.md', import.meta.url));

const LANGUAGE_NAMES: Record<SmsLocale, string> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese (Brazil)',
  'pt-PT': 'Portuguese (Portugal, Africa)',
  fr: 'French',
  de: 'German',
  it: 'Italian',
  nl: 'Dutch',
  sv: 'Swedish',
  da: 'Danish',
  nb: 'Norwegian Bokmål',
  fi: 'Finnish',
  pl: 'Polish',
  ro: 'Romanian',
  cs: 'Czech',
  hu: 'Hungarian',
  tr: 'Turkish',
  id: 'Indonesian',
  ms: 'Malay',
  vi: 'Vietnamese',
  fil: 'Filipino',
  sw: 'Swahili',
  el: 'Greek',
  ru: 'Russian',
  uk: 'Ukrainian',
  ar: 'Arabic',
  fa: 'Persian',
  he: 'Hebrew',
  hi: 'Hindi',
  bn: 'Bengali',
  ur: 'Urdu',
  th: 'Thai',
  ja: 'Japanese',
  ko: 'Korean',
  'zh-Hans': 'Chinese (Simplified)',
  'zh-Hant': 'Chinese (Traditional)',
};

const SAMPLE_CODE = '123456';
const PLAIN: SmsTextSettings = { appName: 'OTP Edge', ttlSeconds: 300 };
const WITH_AUTOFILL: SmsTextSettings = {
  ...PLAIN,
  webOtpDomain: 'example.com',
  androidAppHash: 'FA+9qCX9VSu',
};

const SAMPLE_TRANSACTION = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', '<br>');

export function renderMessagesDocument(): string {
  const texts = SMS_LOCALES.map((locale) => {
    const text = composeOtpMessage(SAMPLE_CODE, locale, PLAIN);
    const plain = smsSegments(text);
    const autofill = smsSegments(composeOtpMessage(SAMPLE_CODE, locale, WITH_AUTOFILL));
    return `| \`${locale}\` | ${LANGUAGE_NAMES[locale]} | ${cell(text)} | ${plain.encoding} | ${plain.units} | ${plain.segments} | ${autofill.units} / ${autofill.segments} |`;
  });
  const transactions = SMS_LOCALES.map((locale) => {
    const text = composeOtpMessage(SAMPLE_CODE, locale, PLAIN, SAMPLE_TRANSACTION);
    const sample = smsSegments(text);
    const costliest = smsSegments(composeOtpMessage(SAMPLE_CODE, locale, PLAIN, COSTLIEST_TRANSACTION));
    const autofill = smsSegments(
      composeOtpMessage(SAMPLE_CODE, locale, WITH_AUTOFILL, COSTLIEST_TRANSACTION),
    );
    return `| \`${locale}\` | ${cell(text)} | ${sample.encoding} | ${sample.units} / ${sample.segments} | ${costliest.units} / ${costliest.segments} | ${autofill.units} / ${autofill.segments} |`;
  });
  const lifetimes = SMS_LOCALES.map((locale) => {
    const forms = [1, 2, 5, 10].map((minutes) => {
      const text = composeOtpMessage(SAMPLE_CODE, locale, { ...PLAIN, ttlSeconds: minutes * 60 });
      const cost = smsSegments(text);
      return `${cell(text)} (${cost.encoding === 'UCS-2' ? 'UCS-2 ' : ''}${cost.units})`;
    });
    return `| \`${locale}\` | ${forms.join(' | ')} |`;
  });
  const countries = Object.entries(COUNTRIES_BY_LOCALE).map(
    ([locale, list]) => `| \`${locale}\` | ${(list ?? '').split(' ').join(', ')} |`,
  );
  const ucs2 = SMS_LOCALES.filter(
    (locale) => smsSegments(composeOtpMessage(SAMPLE_CODE, locale, PLAIN)).encoding === 'UCS-2',
  );

  return `# SMS texts

<!-- Written by \`npm run docs:messages\` from src/otp/messages/; do not edit by hand
(test/local/messages-doc.test.ts fails when this page and the templates disagree). -->

Every language the SMS can be written in, as it renders with the code ${SAMPLE_CODE}, \`APP_NAME\`
"${PLAIN.appName}" and a 5-minute lifetime (\`OTP_TTL_SECONDS=300\`). The wording lives in one file,
\`src/otp/messages/templates.ts\`; the Android hash and the WebOTP line are appended by
\`src/otp/otp-message.ts\`, the same in every language.

The translations were written by the otp-edge developers and have not yet been reviewed by native
speakers: have the languages your users read checked before you rely on them, and restrict
\`SMS_LOCALES\` to those meanwhile if you prefer.

## Which language an SMS is written in

1. \`locale\` in the body of \`POST /otp/request\` (a BCP 47 tag, 2-35 characters): the tag itself,
   then its language with its script, with its region, then the bare language (\`zh-Hant-TW\` →
   \`zh-Hant\`, \`zh-HK\` → \`zh-Hant\`, \`pt-BR\` → \`pt\`, \`pt-AO\` → \`pt-PT\`, \`fr-CA\` → \`fr\`;
   the legacy codes \`iw\`, \`in\`, \`tl\`, \`no\` mean \`he\`, \`id\`, \`fil\`, \`nb\`). A well-formed
   tag without a template is not an error: it falls through to the next step. A malformed one is
   \`400 invalid_request\`.
2. The number's country (table below).
3. English.

Only enabled languages count at every step (\`SMS_LOCALES\`, below). The request's log line says
which language was used (\`"locale":"fr"\`).

## What a text costs

An SMS is billed per segment. A text in the GSM-7 alphabet holds 160 characters in one segment
(characters of its extension table, such as \`€ [ ] { }\`, count two); one character outside GSM-7
turns the whole message into UCS-2, which holds 70 UTF-16 units (a character outside the Basic
Multilingual Plane counts two). Longer texts are split into parts of 153 characters or 67 units,
each billed ([GSM 03.38](https://en.wikipedia.org/wiki/GSM_03.38),
[3GPP TS 23.038](https://www.3gpp.org/DynaReport/23038.htm)).

Latin-script texts use a GSM-7 spelling where a correct one exists: GSM-7 has \`é è ù ì ò à Ä Ö Ñ
Ü ä ö ñ ü Å å Ø ø É Ç\`, but not \`á í ó ú ã õ ê ç ı ğ ş\` or the Czech and Vietnamese diacritics. So
Spanish says "clave" rather than "código", Polish "kod weryfikacyjny" and Romanian "codul de
verificare" (no diacritic needed), while Portuguese, Czech, Hungarian, Turkish and Vietnamese keep
their correct spelling and are UCS-2. Polish also turns UCS-2 for a one-minute lifetime
("1 minutę"). UCS-2 here: ${ucs2.map((locale) => `\`${locale}\``).join(', ')}.

When the configuration loads, every enabled language's text is composed with the configured
\`APP_NAME\`, \`OTP_LENGTH\`, \`OTP_TTL_SECONDS\`, \`ANDROID_APP_HASH\` and \`WEBOTP_DOMAIN\` and costed:

- English (the last fallback) must fit one segment, else every request is \`503 misconfigured\`.
- \`SMS_LOCALES\` unset or \`*\` (the default): a language that would need two segments is left
  out, its numbers get the next choice (English at the latest), and the first request each
  isolate serves logs a \`warnings\` entry naming it with its encoding, units and segments.
- \`SMS_LOCALES\` as a list (\`en,es,pt,fr\`): exactly those (English always), and a listed
  language that would need two segments makes the configuration invalid, naming it. You asked
  for it by name, so it is neither dropped silently nor billed twice silently.

The last column shows the cost with both autofill lines (\`ANDROID_APP_HASH\` and
\`WEBOTP_DOMAIN=example.com\`, 34 more units): most UCS-2 languages no longer fit one segment then,
and are left out by default.

## The texts

| tag | language | SMS | encoding | units | segments | with hash + WebOTP: units / segments |
|---|---|---|---|---|---|---|
${texts.join('\n')}

## Texts confirming a transaction

When \`POST /otp/request\` carries a \`transaction\` (\`{"amount": "1250.00", "currency": "EUR",
"payee": "ACME Ltd"}\`), the SMS names what the code approves, as PSD2's dynamic linking asks: the
payer reads the amount and the payee before typing the code. The amount is digits with at most 12
before and 4 after the point, the currency three capitals, the payee 1-35 characters of the GSM-7
basic alphabet (no \`@\`, no line breaks, no extension characters such as \`€\`), so a payee never
turns a GSM-7 text into UCS-2 and costs one unit per character in either encoding.

Each text is costed when the configuration loads with the longest amount (\`${COSTLIEST_TRANSACTION.amount}\`)
and a 35-character payee, and may take ${TRANSACTION_SEGMENT_BUDGET} segments: no UCS-2 segment (70 units) holds a
35-character payee and an amount beside the code and a sentence, and a payer must understand what
they approve, so the text stays in their language. With the defaults every GSM-7 text still fits
one segment and every UCS-2 text two. A language whose transaction text would need more (a long
\`APP_NAME\`, the autofill lines) keeps its plain codes, but its transaction SMS go in the next
choice, English at the latest, and the first request each isolate serves logs a \`warnings\` entry
naming it. This holds for an explicit \`SMS_LOCALES\` list too: a transaction is asked for per
request, so a deployment that never sends one is not refused for its cost.

Columns: the text with the sample transaction; its encoding; units / segments for the sample,
for the longest amount and payee, and for those with both autofill lines.

| tag | SMS | encoding | sample | longest | longest, hash + WebOTP |
|---|---|---|---|---|---|
${transactions.join('\n')}

## The lifetime in each language

The phrase for the lifetime follows the language's plural rules (\`Intl.PluralRules\`, CLDR);
the figure in brackets is the text's units.

| tag | 1 minute | 2 minutes | 5 minutes | 10 minutes |
|---|---|---|---|---|
${lifetimes.join('\n')}

## Language by country

Without \`locale\`, the number's country (ISO 3166-1 alpha-2, from the number itself) chooses.
Countries not listed get English. Multilingual countries get the language most of their people
read, or English where one-time codes are customarily sent in English: India (Hindi is read by
well under half the country, and DLT templates are mostly registered in English), Pakistan, the
Philippines, Kenya, Nigeria, Singapore, and Canada (Quebec cannot be told from the number).
Belgium gets Dutch and Switzerland German, each the majority language. Send \`locale\` when you
know your user's language: it always wins.

| language | countries |
|---|---|
${countries.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(MESSAGES_DOC, renderMessagesDocument());
  console.log(`wrote ${MESSAGES_DOC}`);
}
