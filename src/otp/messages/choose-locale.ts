import { LOCALE_BY_COUNTRY } from './country-languages.ts';
import { DEFAULT_SMS_LOCALE, isSmsLocale, type SmsLocale } from './templates.ts';

/** Old or alternative codes for a language the templates have under another tag. */
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  iw: 'he',
  in: 'id',
  tl: 'fil',
  no: 'nb',
  nn: 'nb',
  zsm: 'ms',
  pes: 'fa',
  cmn: 'zh',
};

/** Tags that are no template but mean one: a script by region, Portuguese outside Brazil. */
const TAG_ALIASES: Readonly<Record<string, SmsLocale>> = {
  zh: 'zh-Hans',
  'zh-TW': 'zh-Hant',
  'zh-HK': 'zh-Hant',
  'zh-MO': 'zh-Hant',
  'pt-AO': 'pt-PT',
  'pt-MZ': 'pt-PT',
  'pt-CV': 'pt-PT',
  'pt-GW': 'pt-PT',
  'pt-ST': 'pt-PT',
};

/**
 * The language of one SMS, first match wins: the caller's `locale` (the exact tag, its language
 * with its script, with its region, then the bare language: `zh-Hant-TW` → `zh-Hant`, `pt-BR` →
 * `pt`), then the number's country (./country-languages.ts), then English. Only `enabled`
 * locales count, so a language dropped for cost (SMS_LOCALES) falls through to the next choice.
 * A well-formed tag without a template (`xx-YY`) simply falls through too.
 */
export function chooseSmsLocale(
  requested: string | undefined,
  country: string,
  enabled: ReadonlySet<SmsLocale>,
): SmsLocale {
  const usable = (tag: string | undefined): tag is SmsLocale =>
    tag !== undefined && isSmsLocale(tag) && enabled.has(tag);
  if (requested !== undefined) {
    for (const candidate of localeCandidates(requested)) {
      const tag = TAG_ALIASES[candidate] ?? candidate;
      if (usable(tag)) return tag;
    }
  }
  const byCountry = LOCALE_BY_COUNTRY.get(country);
  return usable(byCountry) ? byCountry : DEFAULT_SMS_LOCALE;
}

/** Most specific first: language-Script, language-REGION, language (case normalised as in BCP 47). */
function localeCandidates(requested: string): string[] {
  const [first = '', ...rest] = requested.split('-');
  const language = LANGUAGE_ALIASES[first.toLowerCase()] ?? first.toLowerCase();
  // Only the subtags before any variant, extension or private use can be script and region.
  const [second, third] = rest;
  const script = second && /^[A-Za-z]{4}$/.test(second) ? titleCase(second) : undefined;
  const regionSubtag = script ? third : second;
  const region =
    regionSubtag && /^([A-Za-z]{2}|\d{3})$/.test(regionSubtag) ? regionSubtag.toUpperCase() : undefined;
  const candidates: string[] = [];
  if (script) candidates.push(`${language}-${script}`);
  if (region) candidates.push(`${language}-${region}`);
  candidates.push(language);
  return candidates;
}

function titleCase(subtag: string): string {
  return subtag.charAt(0).toUpperCase() + subtag.slice(1).toLowerCase();
}
