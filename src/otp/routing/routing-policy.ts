/**
 * How a send's providers are ordered (docs/routing.md). `static`: the route as configured
 * (SMS_ROUTES, VOICE_ROUTES). `adaptive`: the route's providers that have enough evidence in the
 * window are ordered by observed conversion, with a small exploration share.
 */
export const ROUTING_MODES = ['static', 'adaptive'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

export interface RoutingPolicy {
  readonly mode: RoutingMode;
  /** ROUTING_WINDOW: the sliding window sent / delivered / verified are counted over. */
  readonly windowSeconds: number;
  /**
   * ROUTING_MIN_EVIDENCE: codes a provider must have sent in the country, channel and window
   * before its conversion may move it; below it, the provider keeps its configured place.
   */
  readonly minEvidence: number;
  /** ROUTING_EXPLORATION: share of sends (0-0.5) that try another provider first. */
  readonly exploration: number;
  readonly breaker: BreakerPolicy;
}

/** A provider failing most of its requests is skipped for a pause, then tried again (half-open). */
export interface BreakerPolicy {
  /** BREAKER_WINDOW: the window requests and errors are counted in (fixed, restarted on expiry). */
  readonly windowSeconds: number;
  /** BREAKER_MIN_REQUESTS: requests in the window before the error share can open it. */
  readonly minRequests: number;
  /** BREAKER_ERROR_SHARE: share of requests (0.5-1) that were errors or timeouts. */
  readonly errorShare: number;
  /** BREAKER_PAUSE: how long an open breaker skips the provider. */
  readonly pauseSeconds: number;
}
