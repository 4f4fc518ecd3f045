import { type CountsByCountry, type MetricCounts, STATS_METRICS, zeroCounts } from './counters.ts';

export interface PumpingThresholds {
  /** Below this many codes sent, a low verification rate is noise, not a signal. */
  minSent: number;
  /** A country verifying fewer than this share of the codes sent to it is flagged. */
  verifyRateThreshold: number;
}

export interface CountryReport extends MetricCounts {
  country: string;
  /** verified / sent; null when nothing was sent. */
  verificationRate: number | null;
  /** delivered / sent; null when nothing was sent. */
  deliveryRate: number | null;
  flagged: boolean;
  /** Why the country is flagged; null when it is not. */
  reason: string | null;
}

export interface StatsReport {
  countries: CountryReport[];
  totals: MetricCounts & { verificationRate: number | null; deliveryRate: number | null };
}

/**
 * Rates per country and the pumping flag. Counters are bucketed by the hour each event happened in,
 * so over a short window a code sent at 10:59 and verified at 11:01 can push a rate above 1; over a
 * day these edges wash out. Countries are listed by codes sent, most first.
 */
export function buildStatsReport(counts: CountsByCountry, thresholds: PumpingThresholds): StatsReport {
  const countries = [...counts]
    .map(([country, metrics]): CountryReport => {
      const verificationRate = rate(metrics.verified, metrics.sent);
      const flagged =
        metrics.sent >= thresholds.minSent &&
        verificationRate !== null &&
        verificationRate < thresholds.verifyRateThreshold;
      return {
        country,
        ...metrics,
        verificationRate,
        deliveryRate: rate(metrics.delivered, metrics.sent),
        flagged,
        reason: flagged
          ? `${percent(verificationRate)} of ${metrics.sent} codes sent were verified, below the ${percent(thresholds.verifyRateThreshold)} threshold: possible SMS pumping`
          : null,
      };
    })
    .sort((a, b) => b.sent - a.sent || a.country.localeCompare(b.country));

  const totals = zeroCounts();
  for (const metrics of counts.values()) {
    for (const metric of STATS_METRICS) totals[metric] += metrics[metric];
  }
  return {
    countries,
    totals: {
      ...totals,
      verificationRate: rate(totals.verified, totals.sent),
      deliveryRate: rate(totals.delivered, totals.sent),
    },
  };
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

function percent(value: number | null): string {
  return `${Math.round((value ?? 0) * 1000) / 10} %`;
}
