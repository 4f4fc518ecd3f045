import type { CallAnswerChannel } from '../../otp/ports.ts';
import { verifyPlivoSignature } from './callback-signature.ts';

/** Plivo's CallUUID, lower case; it is stored as the answer marker's value. */
const CALL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HANGUP = '<Response><Hangup/></Response>';

/**
 * Answer requests are signed like every Plivo callback (V3 over the URL the service gave Plivo,
 * never the request's own Host); V2 is never accepted here, since it does not sign the body.
 */
export function createPlivoCallAnswers(authToken: string): CallAnswerChannel {
  return {
    async read(callback, signedUrl) {
      const signature = await verifyPlivoSignature(callback, signedUrl, authToken, { acceptV2: false });
      if (signature.kind === 'invalid') return { kind: 'invalid_signature', reason: signature.reason };
      const callUuid = callback.params.find(([key]) => key === 'CallUUID')?.[1] ?? '';
      // Calls are placed with machine_detection=hangup, so a machine should never get here; if
      // Plivo asks anyway, it says so with Machine=true (plivo-node's calls.create documentation).
      const machine = callback.params.some(
        ([key, value]) => key === 'Machine' && value.toLowerCase() === 'true',
      );
      return {
        kind: 'answer',
        callUuid: CALL_UUID.test(callUuid) ? callUuid.toLowerCase() : 'unknown',
        machine,
      };
    },
    render(prompt) {
      if (!prompt) return HANGUP;
      // Spoken twice: a user who picked up late still hears it whole.
      return `<Response><Speak voice="${escapeXml(prompt.voice)}" language="${escapeXml(prompt.language)}" loop="2">${escapeXml(prompt.text)}</Speak></Response>`;
    },
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
