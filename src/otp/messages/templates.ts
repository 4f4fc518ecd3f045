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
 * - `transaction` is the text for a code that confirms a payment; its length matters more than
 *   elegance: with the longest amount and a 35-character payee, each GSM-7 language fits one
 *   segment and each UCS-2 language two (../messages/select-sms-locales.ts, a test checks both).
 * - Nothing here writes the Android hash or the WebOTP line: ../otp-message.ts appends them,
 *   the same in every language.
 */
export interface MessageTemplate {
  readonly text: string;
  /**
   * The same message for a code that confirms a payment (PSD2 dynamic linking): also holds
   * `{amount}`, `{currency}` and `{payee}`, each once, so the payer reads what they approve.
   */
  readonly transaction: string;
  readonly minutes: PluralPhrases;
}

export type PluralPhrases = Readonly<Partial<Record<Intl.LDMLPluralRule, string>>> & {
  readonly other: string;
};

export const TEMPLATES = {
  en: {
    text: '{code} is your {app} verification code. It expires in {minutes}.',
    transaction:
      '{code} is your {app} code to confirm {amount} {currency} to {payee}. It expires in {minutes}.',
    minutes: { one: '{n} minute', other: '{n} minutes' },
  },
  // Spanish: "clave" keeps the text GSM-7 ("código" carries ó, outside GSM-7); banks use it too.
  es: {
    text: '{code} es tu clave de {app}. Caduca en {minutes}.',
    transaction:
      '{code} es tu clave de {app} para confirmar {amount} {currency} a {payee}. Caduca en {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  // `pt` is Brazilian Portuguese, as in CLDR; `pt-PT` serves Portugal and Lusophone Africa.
  pt: {
    text: '{code} é seu código {app}. Expira em {minutes}.',
    transaction:
      '{code} é seu código {app} para confirmar {amount} {currency} a {payee}. Expira em {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  'pt-PT': {
    text: '{code} é o seu código {app}. Expira em {minutes}.',
    transaction:
      '{code} é o seu código {app} para confirmar {amount} {currency} a {payee}. Expira em {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minutos' },
  },
  fr: {
    text: '{code} est votre code {app}. Il expire dans {minutes}.',
    transaction:
      '{code} est votre code {app} pour confirmer {amount} {currency} à {payee}. Il expire dans {minutes}.',
    minutes: { one: '{n} minute', other: '{n} minutes' },
  },
  de: {
    text: '{code} ist Ihr Code für {app}. Er ist {minutes} gültig.',
    transaction:
      '{code} ist Ihr Code für {app} zur Freigabe von {amount} {currency} an {payee}. Er ist {minutes} gültig.',
    minutes: { one: '{n} Minute', other: '{n} Minuten' },
  },
  it: {
    text: '{code} è il tuo codice {app}. Scade tra {minutes}.',
    transaction:
      '{code} è il tuo codice {app} per confermare {amount} {currency} a {payee}. Scade tra {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minuti' },
  },
  nl: {
    text: '{code} is je code voor {app}. Verloopt over {minutes}.',
    transaction:
      '{code} is je code voor {app} om {amount} {currency} aan {payee} te bevestigen. Verloopt over {minutes}.',
    minutes: { one: '{n} minuut', other: '{n} minuten' },
  },
  sv: {
    text: '{code} är din kod för {app}. Giltig i {minutes}.',
    transaction:
      '{code} är din kod för {app} för att godkänna {amount} {currency} till {payee}. Giltig i {minutes}.',
    minutes: { one: '{n} minut', other: '{n} minuter' },
  },
  da: {
    text: '{code} er din kode til {app}. Gyldig i {minutes}.',
    transaction:
      '{code} er din kode til {app} for at godkende {amount} {currency} til {payee}. Gyldig i {minutes}.',
    minutes: { one: '{n} minut', other: '{n} minutter' },
  },
  nb: {
    text: '{code} er koden din for {app}. Gyldig i {minutes}.',
    transaction:
      '{code} er koden din for {app} for å godkjenne {amount} {currency} til {payee}. Gyldig i {minutes}.',
    minutes: { one: '{n} minutt', other: '{n} minutter' },
  },
  fi: {
    text: '{code} on vahvistuskoodisi palveluun {app}. Voimassa {minutes}.',
    transaction: '{code} on {app}-koodisi maksulle {amount} {currency} saajalle {payee}. Voimassa {minutes}.',
    minutes: { one: '{n} minuutin', other: '{n} minuuttia' },
  },
  // Polish and Romanian: "weryfikacyjny" and "verificare" need no diacritics, so both stay GSM-7
  // (Polish turns UCS-2 only for a one-minute lifetime: "minutę").
  pl: {
    text: '{code} to kod weryfikacyjny {app}. Wygasa za {minutes}.',
    transaction: '{code} to kod {app} do zatwierdzenia {amount} {currency} dla {payee}. Wygasa za {minutes}.',
    minutes: { one: '{n} minutę', few: '{n} minuty', many: '{n} minut', other: '{n} minuty' },
  },
  ro: {
    text: '{code} este codul de verificare {app}. Valabil {minutes}.',
    transaction:
      '{code} este codul {app} pentru a confirma {amount} {currency} pentru {payee}. Valabil {minutes}.',
    minutes: { one: '{n} minut', few: '{n} minute', other: '{n} de minute' },
  },
  cs: {
    text: '{code} je váš kód pro {app}. Platí {minutes}.',
    transaction: '{code} je váš kód {app} k potvrzení {amount} {currency} pro {payee}. Platí {minutes}.',
    minutes: { one: '{n} minutu', few: '{n} minuty', many: '{n} minuty', other: '{n} minut' },
  },
  hu: {
    text: '{code} a(z) {app} kódod. {minutes} múlva lejár.',
    transaction:
      '{code} a(z) {app} kódod {amount} {currency} utalásához {payee} részére. {minutes} múlva lejár.',
    minutes: { one: '{n} perc', other: '{n} perc' },
  },
  tr: {
    text: '{code} {app} kodunuzdur. {minutes} geçerlidir.',
    transaction: '{code} {app} kodunuzdur: {amount} {currency} onayı, alıcı {payee}. {minutes} geçerlidir.',
    minutes: { one: '{n} dakika', other: '{n} dakika' },
  },
  id: {
    text: '{code} adalah kode {app} Anda. Berlaku {minutes}.',
    transaction:
      '{code} adalah kode {app} Anda untuk konfirmasi {amount} {currency} ke {payee}. Berlaku {minutes}.',
    minutes: { other: '{n} menit' },
  },
  ms: {
    text: '{code} ialah kod {app} anda. Sah selama {minutes}.',
    transaction:
      '{code} ialah kod {app} anda untuk mengesahkan {amount} {currency} kepada {payee}. Sah selama {minutes}.',
    minutes: { other: '{n} minit' },
  },
  vi: {
    text: '{code} là mã {app} của bạn. Hết hạn sau {minutes}.',
    transaction: '{code} là mã {app} để xác nhận {amount} {currency} cho {payee}. Hết hạn sau {minutes}.',
    minutes: { other: '{n} phút' },
  },
  fil: {
    text: '{code} ang iyong {app} code. Mag-e-expire ito sa loob ng {minutes}.',
    transaction:
      '{code} ang iyong {app} code para kumpirmahin ang {amount} {currency} sa {payee}. Mag-e-expire sa loob ng {minutes}.',
    minutes: { one: '{n} minuto', other: '{n} minuto' },
  },
  // Swahili puts the number after the noun: "dakika 5".
  sw: {
    text: '{code} ni msimbo wako wa {app}. Unatumika kwa {minutes}.',
    transaction:
      '{code} ni msimbo wako wa {app} wa kuthibitisha {amount} {currency} kwa {payee}. Unatumika kwa {minutes}.',
    minutes: { one: 'dakika {n}', other: 'dakika {n}' },
  },
  el: {
    text: '{code} είναι ο κωδικός σας για {app}. Λήγει σε {minutes}.',
    transaction:
      '{code} είναι ο κωδικός σας {app} για έγκριση {amount} {currency} προς {payee}. Λήγει σε {minutes}.',
    minutes: { one: '{n} λεπτό', other: '{n} λεπτά' },
  },
  ru: {
    text: '{code} — ваш код {app}. Действует {minutes}.',
    transaction:
      '{code} — ваш код {app} для подтверждения {amount} {currency} получателю {payee}. Действует {minutes}.',
    minutes: { one: '{n} минуту', few: '{n} минуты', many: '{n} минут', other: '{n} минуты' },
  },
  uk: {
    text: '{code} — ваш код {app}. Діє {minutes}.',
    transaction:
      '{code} — ваш код {app} для підтвердження {amount} {currency} отримувачу {payee}. Діє {minutes}.',
    minutes: { one: '{n} хвилину', few: '{n} хвилини', many: '{n} хвилин', other: '{n} хвилини' },
  },
  // Arabic: one minute and two minutes are words of their own; 3-10 take the plural, 11+ the singular.
  ar: {
    text: '{code} هو رمز {app} الخاص بك. صالح لمدة {minutes}.',
    transaction: '{code} هو رمز {app} لتأكيد {amount} {currency} إلى {payee}. صالح لمدة {minutes}.',
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
    transaction: '{code} کد {app} برای تأیید {amount} {currency} به {payee} است. تا {minutes} معتبر است.',
    minutes: { one: '{n} دقیقه', other: '{n} دقیقه' },
  },
  he: {
    text: '{code} הוא הקוד שלך ל-{app}. תקף למשך {minutes}.',
    transaction: '{code} הוא הקוד שלך ל-{app} לאישור {amount} {currency} ל-{payee}. תקף למשך {minutes}.',
    minutes: { one: 'דקה אחת', two: 'שתי דקות', other: '{n} דקות' },
  },
  hi: {
    text: '{code} आपका {app} कोड है। {minutes} तक मान्य।',
    transaction: '{code} {payee} को {amount} {currency} की पुष्टि के लिए आपका {app} कोड है। {minutes} तक मान्य।',
    minutes: { one: '{n} मिनट', other: '{n} मिनट' },
  },
  bn: {
    text: '{code} আপনার {app} কোড। মেয়াদ {minutes}।',
    transaction: '{code} {payee}-কে {amount} {currency} নিশ্চিত করতে আপনার {app} কোড। মেয়াদ {minutes}।',
    minutes: { one: '{n} মিনিট', other: '{n} মিনিট' },
  },
  ur: {
    text: '{code} آپ کا {app} کوڈ ہے۔ یہ {minutes} تک کارآمد ہے۔',
    transaction:
      '{code} {payee} کو {amount} {currency} کی تصدیق کے لیے آپ کا {app} کوڈ ہے۔ یہ {minutes} تک کارآمد ہے۔',
    minutes: { one: '{n} منٹ', other: '{n} منٹ' },
  },
  th: {
    text: '{code} คือรหัส {app} ของคุณ หมดอายุใน {minutes}',
    transaction: '{code} คือรหัส {app} เพื่อยืนยัน {amount} {currency} ให้ {payee} หมดอายุใน {minutes}',
    minutes: { other: '{n} นาที' },
  },
  ja: {
    text: '{code}は{app}の認証コードです。{minutes}間有効です。',
    transaction:
      '{code}は{payee}への{amount} {currency}を承認する{app}の認証コードです。{minutes}間有効です。',
    minutes: { other: '{n}分' },
  },
  // Korean: the particle after the code would depend on how its last digit is read, so the
  // customary "[app] 인증번호는 …입니다" order is used instead of the code first.
  ko: {
    text: '[{app}] 인증번호는 {code}입니다. {minutes} 후 만료됩니다.',
    transaction:
      '[{app}] {payee}에 {amount} {currency} 승인 인증번호는 {code}입니다. {minutes} 후 만료됩니다.',
    minutes: { other: '{n}분' },
  },
  'zh-Hans': {
    text: '{code}是您的{app}验证码，{minutes}内有效。',
    transaction: '{code}是您向{payee}支付{amount} {currency}的{app}验证码，{minutes}内有效。',
    minutes: { other: '{n}分钟' },
  },
  'zh-Hant': {
    text: '{code}是您的{app}驗證碼，{minutes}內有效。',
    transaction: '{code}是您向{payee}支付{amount} {currency}的{app}驗證碼，{minutes}內有效。',
    minutes: { other: '{n}分鐘' },
  },
} as const satisfies Record<string, MessageTemplate>;

/** A language the SMS can be written in: a key of TEMPLATES (a BCP 47 tag). */
export type SmsLocale = keyof typeof TEMPLATES;

export const SMS_LOCALES = Object.keys(TEMPLATES) as readonly SmsLocale[];

/** The last fallback, always enabled whatever SMS_LOCALES says. */
export const DEFAULT_SMS_LOCALE = 'en' satisfies SmsLocale;

export function isSmsLocale(tag: string): tag is SmsLocale {
  return Object.hasOwn(TEMPLATES, tag);
}
