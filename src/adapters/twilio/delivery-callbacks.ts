import type { CallbackReading, DeliveryCallbackReader, InboundCallback } from '../../otp/ports.ts';
import { verifyTwilioSignature } from './callback-signature.ts';
import { parseTwilioReport } from './delivery-report.ts';

/**
 * Twilio's message status callbacks: the signature first, over `signedUrl`, the StatusCallback the
 * service gave Twilio (never the URL the request claims to have reached), then the fields. The
 * signature covers every parameter, so no single-use nonce is needed.
 */
export function createTwilioCallbackReader(settings: {
  signedUrl: string;
  authToken: string;
}): DeliveryCallbackReader {
  const { signedUrl, authToken } = settings;
  return {
    async read(callback: InboundCallback): Promise<CallbackReading> {
      const signature = await verifyTwilioSignature(callback, signedUrl, authToken);
      if (signature.kind === 'invalid') return { kind: 'invalid_signature', reason: signature.reason };
      const parsed = parseTwilioReport(callback.params);
      if (!parsed.ok) return { kind: 'invalid_request', problems: parsed.problems };
      return {
        kind: 'report',
        report: parsed.report,
        signedWith: 'x-twilio-signature',
        singleUseNonce: undefined,
      };
    },
  };
}
