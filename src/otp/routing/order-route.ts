import type { RandomSource } from '../ports.ts';
import { conversion, type RouteEvidence } from './route-evidence.ts';
import type { RoutingPolicy } from './routing-policy.ts';

/** Why the order is what it is, for the log and the tests. */
export type RouteOrderReason = 'configured' | 'conversion' | 'exploration';

export interface OrderedRoute<P extends string> {
  providers: readonly P[];
  reason: RouteOrderReason;
}

/**
 * Orders one send's providers. Static: as configured. Adaptive: the providers that sent at least
 * `minEvidence` codes in the window swap places among themselves, best conversion first (ties
 * keep the configured order); a provider with less evidence keeps its configured place, so a
 * route never bets on a provider it knows nothing about. Then, in `exploration` of the sends
 * (drawn from `random`), a provider other than the first is moved to the front, so a provider that
 * converted badly and recovered is noticed. Last, providers whose breaker is open go to the end:
 * tried only when every other one failed in this very request.
 */
export function orderRoute<P extends string>(
  configured: readonly P[],
  evidence: RouteEvidence,
  policy: Pick<RoutingPolicy, 'mode' | 'minEvidence' | 'exploration'>,
  random: RandomSource,
): OrderedRoute<P> {
  let providers = [...configured];
  let reason: RouteOrderReason = 'configured';
  if (policy.mode === 'adaptive' && providers.length > 1) {
    const proven = providers.filter(
      (provider) => (evidence.byProvider.get(provider)?.sent ?? 0) >= policy.minEvidence,
    );
    const ranked = [...proven].sort(
      (a, b) => score(evidence, b) - score(evidence, a) || configured.indexOf(a) - configured.indexOf(b),
    );
    let next = 0;
    providers = providers.map((provider) =>
      proven.includes(provider) ? (ranked[next++] ?? provider) : provider,
    );
    if (providers.some((provider, index) => provider !== configured[index])) reason = 'conversion';
    if (policy.exploration > 0 && unitDraw(random) < policy.exploration) {
      const others = providers.slice(1);
      const explored = others[Math.floor(unitDraw(random) * others.length)];
      if (explored !== undefined) {
        providers = [explored, ...providers.filter((provider) => provider !== explored)];
        reason = 'exploration';
      }
    }
  }
  const open = (provider: P) => evidence.openBreakers.has(provider);
  return { providers: [...providers.filter((p) => !open(p)), ...providers.filter(open)], reason };
}

function score(evidence: RouteEvidence, provider: string): number {
  const counts = evidence.byProvider.get(provider);
  return counts ? conversion(counts) : 0;
}

/** A uniform draw in [0, 1) from 32 random bits. */
function unitDraw(random: RandomSource): number {
  const bytes = new Uint8Array(4);
  random.fill(bytes);
  return new DataView(bytes.buffer).getUint32(0) / 2 ** 32;
}
