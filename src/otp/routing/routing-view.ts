import type { RoutingCounters } from '../../stats/routing-counters.ts';
import type { RoutingMode } from './routing-policy.ts';

/** One country, channel and provider over the hours read. */
export interface RouteConversion {
  country: string;
  channel: string;
  provider: string;
  sent: number;
  delivered: number;
  failed: number;
  verified: number;
  /** verified / sent, 4 decimals; 0 when nothing was sent. */
  conversion: number;
}

export interface BreakerView {
  provider: string;
  state: 'closed' | 'open' | 'half_open';
  /** ISO 8601 while open; null otherwise. */
  openUntil: string | null;
  requests: number;
  errors: number;
}

/** `/admin/stats`'s `routing`: how codes went per provider, the failovers, and the breakers now. */
export interface RoutingView {
  mode: RoutingMode;
  conversions: RouteConversion[];
  /** Per country: failed reports followed by the route's next provider. */
  failovers: Record<string, number>;
  breakers: BreakerView[];
}

export function routingView(
  counters: RoutingCounters | undefined,
  mode: RoutingMode,
  nowMs: number,
): RoutingView {
  const conversions = [...(counters?.routes ?? new Map())]
    .map(([key, counts]) => {
      const [country = 'XX', channel = 'sms', provider = ''] = key.split(':');
      const conversion = counts.sent > 0 ? Math.round((counts.verified / counts.sent) * 10_000) / 10_000 : 0;
      return { country, channel, provider, ...counts, conversion };
    })
    .sort((a, b) => a.country.localeCompare(b.country) || b.sent - a.sent);
  const breakers = (counters?.breakers ?? []).map((reading): BreakerView => {
    const open = reading.openUntilMs > nowMs;
    return {
      provider: reading.provider,
      state: open ? 'open' : reading.tripped ? 'half_open' : 'closed',
      openUntil: open ? new Date(reading.openUntilMs).toISOString() : null,
      requests: reading.requests,
      errors: reading.errors,
    };
  });
  return { mode, conversions, failovers: Object.fromEntries(counters?.failovers ?? []), breakers };
}
