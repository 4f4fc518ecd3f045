import type { OperatorLog, RandomSource } from '../ports.ts';
import type { ProviderId } from '../provider-id.ts';
import { orderRoute } from './order-route.ts';
import type { RouteEvidence } from './route-evidence.ts';
import type { RoutingPolicy } from './routing-policy.ts';

export interface SendOrderDeps {
  routing: RoutingPolicy;
  random: RandomSource;
  log: Pick<OperatorLog, 'detail'>;
}

/**
 * The providers one admitted send tries, from its route and what its admission read
 * (./order-route.ts); the log line says when the order is not the configured one.
 */
export function sendOrder(
  configured: readonly ProviderId[],
  evidence: RouteEvidence,
  deps: SendOrderDeps,
): readonly ProviderId[] {
  const ordered = orderRoute(configured, evidence, deps.routing, deps.random);
  const skipped = configured.filter((provider) => evidence.openBreakers.has(provider));
  if (ordered.reason !== 'configured')
    deps.log.detail(`route by ${ordered.reason}: ${ordered.providers.join(',')}`);
  if (skipped.length > 0) deps.log.detail(`breaker open: ${skipped.join(',')}`);
  return ordered.providers;
}
