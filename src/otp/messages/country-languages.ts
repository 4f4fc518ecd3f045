import type { SmsLocale } from './templates.ts';

/**
 * The language an SMS is written in when the caller names none, by the number's country (ISO
 * 3166 alpha-2, as the phone parser reports it). A country not listed gets English.
 *
 * Multilingual countries get the language most of their numbers' owners read, or English where
 * OTP texts are customarily English: India (Hindi is read by well under half the country, DLT
 * templates are mostly registered in English), Pakistan, the Philippines, Kenya, Nigeria,
 * Singapore, Canada (no way to tell Quebec from the number). Belgium gets Dutch and Switzerland
 * German, each the majority language. A caller who knows better sends `locale`.
 */
export const COUNTRIES_BY_LOCALE: Readonly<Partial<Record<SmsLocale, string>>> = {
  es: 'ES MX CO AR PE VE CL EC GT CU BO DO HN PY SV NI CR PA UY PR GQ',
  pt: 'BR',
  'pt-PT': 'PT AO MZ CV GW ST',
  fr: 'FR LU MC SN CI CM ML BF NE TD GN BJ TG CD CG GA MG HT RE GP MQ GF YT PF NC PM BL MF WF',
  de: 'DE AT CH LI',
  it: 'IT SM VA',
  nl: 'NL BE SR AW CW SX BQ',
  sv: 'SE AX',
  da: 'DK FO',
  nb: 'NO SJ',
  fi: 'FI',
  pl: 'PL',
  ro: 'RO MD',
  cs: 'CZ',
  hu: 'HU',
  tr: 'TR',
  id: 'ID',
  ms: 'MY BN',
  vi: 'VN',
  sw: 'TZ',
  el: 'GR CY',
  ru: 'RU BY KZ KG',
  uk: 'UA',
  ar: 'SA EG AE IQ JO KW LB LY MA OM QA SY TN YE BH DZ SD PS MR',
  fa: 'IR AF',
  he: 'IL',
  bn: 'BD',
  th: 'TH',
  ja: 'JP',
  ko: 'KR',
  'zh-Hans': 'CN',
  'zh-Hant': 'TW HK MO',
};

export const LOCALE_BY_COUNTRY: ReadonlyMap<string, SmsLocale> = new Map(
  Object.entries(COUNTRIES_BY_LOCALE).flatMap(([locale, countries]) =>
    (countries ?? '').split(' ').map((country) => [country, locale as SmsLocale] as const),
  ),
);
