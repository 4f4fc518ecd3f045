import type { RandomSource } from './ports.ts';
import { createSealedBox } from './sealed-box.ts';

/**
 * What the service needs to act by itself when a verification's SMS is reported failed (`auto`'s
 * call, or the failover to the route's next provider): the
 * verification id (the answer URL and the binding's seal need it, and the store holds only its
 * HMAC tag) and the requesting client's network tag (the call is a send, counted against the
 * network that asked for the verification, not against the provider that reported the failure).
 */
export interface FallbackTicket {
  verificationId: string;
  networkTag: string;
  /**
   * What the service does when the SMS is reported failed: `voice`, call (`auto`); `provider`,
   * send a fresh SMS through the route's next provider (docs/routing.md). Tickets sealed before
   * it existed are `voice`.
   */
  next: 'voice' | 'provider';
}

export interface FallbackTickets {
  seal(ticket: FallbackTicket): Promise<string>;
  /** Undefined when `sealed` was not sealed as a fallback ticket under this secret. */
  open(sealed: string): Promise<FallbackTicket | undefined>;
}

/**
 * Sealed with AES-256-GCM under a key derived from OTP_SECRET (HKDF info `auto-fallback`,
 * ./sealed-box.ts), so the store never holds a verification id in clear: whoever reads Redis
 * cannot use one. A ticket moved to another record is caught when the record's binding, sealed
 * with the verification id as additional data, does not open under the ticket's id.
 */
export function createFallbackTickets(secret: string, random: RandomSource): FallbackTickets {
  const box = createSealedBox(secret, 'auto-fallback', random);
  return {
    seal: (ticket) => box.seal(JSON.stringify([ticket.verificationId, ticket.networkTag, ticket.next]), ''),
    async open(sealed) {
      const plain = await box.open(sealed, '');
      if (plain === undefined) return undefined;
      const [verificationId, networkTag, next] = JSON.parse(plain) as string[];
      if (verificationId === undefined || networkTag === undefined) return undefined;
      return { verificationId, networkTag, next: next === 'provider' ? 'provider' : 'voice' };
    },
  };
}
