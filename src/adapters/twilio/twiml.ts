import type { VoicePrompt } from '../../otp/voice-prompt.ts';

/**
 * `<Say>` twice (a user who picked up late still hears it whole), then hang up
 * (https://www.twilio.com/docs/voice/twiml/say). `alice` reads every language the prompts have
 * (en-US, es-ES, pt-BR, pt-PT, fr-FR, de-DE, it-IT, nl-NL); `man` and `woman` read only a few.
 */
export function spokenCodeTwiml(prompt: VoicePrompt): string {
  const say = `<Say voice="alice" language="${escapeXml(prompt.language)}" loop="2">${escapeXml(prompt.text)}</Say>`;
  return `<Response>${say}<Hangup/></Response>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
