/**
 * WhatsApp's template language codes for the SMS locales that differ from the bare tag (Meta's
 * "Supported languages" list for message templates): English and Portuguese need a region there,
 * Chinese a region instead of a script. Every other locale of src/otp/messages/ is its own code.
 * The template must be approved in each language it is sent in, else Plivo refuses the send.
 */
const WHATSAPP_CODES: Readonly<Record<string, string>> = {
  en: 'en_US',
  pt: 'pt_BR',
  'pt-PT': 'pt_PT',
  'zh-Hans': 'zh_CN',
  'zh-Hant': 'zh_TW',
};

export function whatsAppLanguage(locale: string): string {
  return WHATSAPP_CODES[locale] ?? locale;
}
