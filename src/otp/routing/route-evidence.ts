/**
 * What the send's one admission round trip tells about the route of its country and channel:
 * per provider, codes sent, reported delivered or failed, and verified over ROUTING_WINDOW
 * (weighted sliding window, so fractional), and which providers' breakers are open now.
 */
export interface ProviderEvidence {
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
}

export interface RouteEvidence {
  readonly byProvider: ReadonlyMap<string, ProviderEvidence>;
  /** Providers whose breaker is open (skipped unless nothing else is left). */
  readonly openBreakers: ReadonlySet<string>;
}

export const NO_EVIDENCE: RouteEvidence = { byProvider: new Map(), openBreakers: new Set() };

/** Verified per code sent: what a route is for (a delivered code nobody could use converts nothing). */
export function conversion(evidence: ProviderEvidence): number {
  return evidence.sent > 0 ? Math.min(1, evidence.verified / evidence.sent) : 0;
}
