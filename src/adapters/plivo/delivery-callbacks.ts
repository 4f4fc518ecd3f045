import type { CallbackReading, DeliveryCallbackReader, InboundCallback } from '../../otp/ports.ts';
import { verifyPlivoSignature } from './callback-signature.ts';
import { parseDeliveryReport } from './delivery-report.ts';

/**
 * Plivo's delivery-status callbacks: the signature first, over `signedUrl`, the URL the service
 * gave Plivo (never the one the request claims to have reached: Host is whatever the sender
 * wrote), then the fields.
 */
export function createPlivoCallbackReader(settings: {
  signedUrl: string;
  authToken: string;
  /** PLIVO_ACCEPT_V2_SIGNATURES: off unless an old account still signs with V2 only. */
  acceptV2Signatures: boolean;
}): DeliveryCallbackReader {
  const { signedUrl, authToken, acceptV2Signatures } = settings;
  return {
    async read(callback: InboundCallback): Promise<CallbackReading> {
      const signature = await verifyPlivoSignature(callback, signedUrl, authToken, {
        acceptV2: acceptV2Signatures,
      });
      if (signature.kind === 'invalid') return { kind: 'invalid_signature', reason: signature.reason };
      const parsed = parseDeliveryReport(callback.params);
      if (!parsed.ok) return { kind: 'invalid_request', problems: parsed.problems };
      return {
        kind: 'report',
        report: parsed.report,
        signedWith: signature.version,
        // V2 signs no parameters: a captured V2 signature fits any body, so its nonce counts once.
        singleUseNonce: signature.version === 'v2' ? signature.nonce : undefined,
      };
    },
  };
}
