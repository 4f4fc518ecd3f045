/**
 * Routing's hourly counters (docs/routing.md): per country, channel and provider, codes sent (the
 * provider accepted them), reported delivered or failed, and verified; and per country the
 * failovers (a failed report followed by the route's next provider).
 */
export interface ProviderCounts {
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
}

export const PROVIDER_METRICS = ['sent', 'delivered', 'failed', 'verified'] as const;

/** Keyed `{country}:{channel}:{provider}`. */
export type RouteCounts = Map<string, ProviderCounts>;

/** A provider's breaker as the store holds it now. */
export interface BreakerReading {
  provider: string;
  /** Epoch ms; 0 when it never opened or closed since. */
  openUntilMs: number;
  /** Opened at least once and not closed by a success since: past `openUntilMs`, half-open. */
  tripped: boolean;
  /** Requests and errors in its current counting window. */
  requests: number;
  errors: number;
}

export interface RoutingCounters {
  routes: RouteCounts;
  failovers: Map<string, number>;
  breakers: BreakerReading[];
}
