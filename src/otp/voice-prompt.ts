/** What a call says: Plivo's `<Speak>` language and voice, and the text, spoken twice. */
export interface VoicePrompt {
  language: string;
  voice: 'WOMAN' | 'MAN';
  text: string;
}

/**
 * The languages Plivo's text-to-speech reads (its XML reference, "Speak": `language` codes) that
 * have an SMS template, with the words before the digits. Any other locale is spoken in English:
 * a sentence in the wrong voice is worse than a clear English one.
 */
const PROMPTS: Readonly<Record<string, { language: string; before: (app: string) => string }>> = {
  en: { language: 'en-US', before: (app) => `Your ${app} code is` },
  es: { language: 'es-ES', before: (app) => `Su código de ${app} es` },
  pt: { language: 'pt-BR', before: (app) => `Seu código ${app} é` },
  'pt-PT': { language: 'pt-PT', before: (app) => `O seu código ${app} é` },
  fr: { language: 'fr-FR', before: (app) => `Votre code ${app} est` },
  de: { language: 'de-DE', before: (app) => `Ihr ${app} Code lautet` },
  it: { language: 'it-IT', before: (app) => `Il tuo codice ${app} è` },
  nl: { language: 'nl-NL', before: (app) => `Uw ${app} code is` },
};

/**
 * The digits one by one ("4, 2, 7"), so a text-to-speech voice never reads them as a number, after
 * a short sentence in the locale's language. The caller repeats it (`loop`), so a user who picked
 * up late still hears it whole.
 */
export function voicePrompt(code: string, locale: string, appName: string): VoicePrompt {
  const prompt = PROMPTS[locale] ?? PROMPTS[locale.split('-')[0] ?? ''] ?? PROMPTS.en;
  if (!prompt) throw new Error('no English voice prompt');
  return {
    language: prompt.language,
    voice: 'WOMAN',
    text: `${prompt.before(appName)} ${[...code].join(', ')}.`,
  };
}
