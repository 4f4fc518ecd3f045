/**
 * Every SMS text the service can send, one per language: the one file to review when a wording
 * changes. docs/messages.md shows each as it renders, with its encoding and segment count
 * (`node scripts/render-messages.ts` writes it; a test fails when it is stale).
 *
 * - `text` holds `{code}`, `{app}` (APP_NAME) and `{minutes}`; the code comes first wherever the
 *   language allows, so a notification preview shows it.
 * - `minutes` is the lifetime phrase per CLDR plural category (`Intl.PluralRules`), `{n}` the
 *   number. Every category a language uses for 1-10 minutes is written out, even where the noun
 *   does not change (Turkish "1 dakika", "5 dakika"), so none is an oversight; a test checks it.
 * - One character outside GSM-7 makes the whole SMS UCS-2, 70 units per segment instead of 160:
 *   Latin-script texts use GSM-7 spellings where a correct one exists (Spanish "clave", not the
 *   accented "código"), and keep the correct spelling where none does (Portuguese, Czech).
 * - Nothing here writes the Android hash or the WebOTP line: ../otp-message.ts appends them,
 *   the same in every language.
 */
export interface MessageTemplate {
  readonly text: string;
  readonly minutes: PluralPhrases;
}

export type PluralPhrases = Readonly<Partial<Record<Intl.LDMLPluralRule, string>>> & {
  readonly other: string;
};

export const TEMPLATES = {
  en: {
    text: '{code} is your {app} verification code. It expires in {minutes}.',
    minutes: { one: '{n} minute', other: '{n} minutes' },
  },
  // Spanish: "clave" keeps the text GSM-7 ("código" carries ó, outside GSM-7); banks use it too.
  es: {
    text: '{code} es tu clave de {app}. Caduca en {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  // `pt` is Brazilian Portuguese, as in CLDR; `pt-PT` serves Portugal and Lusophone Africa.
  pt: {
    text: '{code} é seu código {app}. Expira em {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  'pt-PT': {
    text: '{code} é o seu código {app}. Expira em {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  fr: {
    text: '{code} est votre code {app}. Il expire dans {minutes}.',
    minutes: { one: '{n} minute', other: '{n} minutes' },
  },
  de: {
    text: '{code} ist Ihr Code für {app}. Er ist {minutes} gültig.',
    minutes: { one: '{n} Minute', other: '{n} Minuten' },
  },
  it: {
    text: '{code} è il tuo codice {app}. Scade tra {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minuti' },
  },
  nl: {
    text: '{code} is je code voor {app}. Verloopt over {minutes}.',
    minutes: { one: '{n} minuut', other: '{n} minuten' },
  },
  sv: {
    text: '{code} är din kod för {app}. Giltig i {minutes}.',
    minutes: { one: '{n} minut', other: '{n} minuter' },
  },
  da: {
    text: '{code} er din kode til {app}. Gyldig i {minutes}.',
    minutes: { one: '{n} minut', other: '{n} minutter' },
  },
  nb: {
    text: '{code} er koden din for {app}. Gyldig i {minutes}.',
    minutes: { one: '{n} minutt', other: '{n} minutter' },
  },
  fi: {
    text: '{code} on vahvistuskoodisi palveluun {app}. Voimassa {minutes}.',
    minutes: { one: '{n} minuutin', other: '{n} minuuttia' },
  },
  // Polish and Romanian: "weryfikacyjny" and "verificare" need no diacritics, so both stay GSM-7
  // (Polish turns UCS-2 only for a one-minute lifetime: "minutę").
  pl: {
    text: '{code} to kod weryfikacyjny {app}. Wygasa za {minutes}.',
    minutes: { one: '{n} minutę', few: '{n} minuty', many: '{n} minut', other: '{n} minuty' },
  },
  ro: {
    text: '{code} este codul de verificare {app}. Valabil {minutes}.',
    minutes: { one: '{n} minut', few: '{n} minute', other: '{n} de minute' },
  },
  cs: {
    text: '{code} je váš kód pro {app}. Platí {minutes}.',
    minutes: { one: '{n} minutu', few: '{n} minuty', many: '{n} minuty', other: '{n} minut' },
  },
  hu: {
    text: '{code} a(z) {app} kódod. {minutes} múlva lejár.',
    minutes: { one: '{n} perc', other: '{n} perc' },
  },
  tr: {
    text: '{code} {app} kodunuzdur. {minutes} geçerlidir.',
    minutes: { one: '{n} dakika', other: '{n} dakika' },
  },
  id: { text: '{code} adalah kode {app} Anda. Berlaku {minutes}.', minutes: { other: '{n} menit' } },
  ms: { text: '{code} ialah kod {app} anda. Sah selama {minutes}.', minutes: { other: '{n} minit' } },
  vi: { text: '{code} là mã {app} của bạn. Hết hạn sau {minutes}.', minutes: { other: '{n} phút' } },
  fil: {
    text: '{code} ang iyong {app} code. Mag-e-expire ito sa loob ng {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minuto' },
  },
  // Swahili puts the number after the noun: "dakika 5".
  sw: {
    text: '{code} ni msimbo wako wa {app}. Unatumika kwa {minutes}.',
    minutes: { one: 'dakika {n}', other: 'dakika {n}' },
  },
  el: {
    text: '{code} είναι ο κωδικός σας για {app}. Λήγει σε {minutes}.',
    minutes: { one: '{n} λεπτό', other: '{n} λεπτά' },
  },
  ru: {
    text: '{code} — ваш код {app}. Действует {minutes}.',
    minutes: { one: '{n} минуту', few: '{n} минуты', many: '{n} минут', other: '{n} минуты' },
  },
  uk: {
    text: '{code} — ваш код {app}. Діє {minutes}.',
    minutes: { one: '{n} хвилину', few: '{n} хвилини', many: '{n} хвилин', other: '{n} хвилини' },
  },
  // Arabic: one minute and two minutes are words of their own; 3-10 take the plural, 11+ the singular.
  ar: {
    text: '{code} هو رمز {app} الخاص بك. صالح لمدة {minutes}.',
    minutes: {
      zero: '{n} دقيقة',
      one: 'دقيقة واحدة',
      two: 'دقيقتين',
      few: '{n} دقائق',
      many: '{n} دقيقة',
      other: '{n} دقيقة',
    },
  },
  fa: {
    text: '{code} کد {app} شماست. تا {minutes} معتبر است.',
    minutes: { one: '{n} دقیقه', other: '{n} دقیقه' },
  },
  he: {
    text: '{code} הוא הקוד שלך ל-{app}. תקף למשך {minutes}.',
    minutes: { one: 'דקה אחת', two: 'שתי דקות', other: '{n} דקות' },
  },
  hi: {
    text: '{code} आपका {app} कोड है। {minutes} तक मान्य।',
    minutes: { one: '{n} मिनट', other: '{n} मिनट' },
  },
  bn: { text: '{code} আপনার {app} কোড। মেয়াদ {minutes}।', minutes: { one: '{n} মিনিট', other: '{n} মিনিট' } },
  ur: {
    text: '{code} آپ کا {app} کوڈ ہے۔ یہ {minutes} تک کارآمد ہے۔',
    minutes: { one: '{n} منٹ', other: '{n} منٹ' },
  },
  th: { text: '{code} คือรหัส {app} ของคุณ หมดอายุใน {minutes}', minutes: { other: '{n} นาที' } },
  ja: { text: '{code}は{app}の認証コードです。{minutes}間有効です。', minutes: { other: '{n}分' } },
  // Korean: the particle after the code would depend on how its last digit is read, so the
  // customary "[app] 인증번호는 …입니다" order is used instead of the code first.
  ko: { text: '[{app}] 인증번호는 {code}입니다. {minutes} 후 만료됩니다.', minutes: { other: '{n}분' } },
  'zh-Hans': { text: '{code}是您的{app}验证码，{minutes}内有效。', minutes: { other: '{n}分钟' } },
  'zh-Hant': { text: '{code}是您的{app}驗證碼，{minutes}內有效。', minutes: { other: '{n}分鐘' } },
} as const satisfies Record<string, MessageTemplate>;

/** A language the SMS can be written in: a key of TEMPLATES (a BCP 47 tag). */
export type SmsLocale = keyof typeof TEMPLATES;

export const SMS_LOCALES = Object.keys(TEMPLATES) as readonly SmsLocale[];

/** The last fallback, always enabled whatever SMS_LOCALES says. */
export const DEFAULT_SMS_LOCALE = 'en' satisfies SmsLocale;

export function isSmsLocale(tag: string): tag is SmsLocale {
  return Object.hasOwn(TEMPLATES, tag);
}
