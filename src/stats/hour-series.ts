/**
 * One UTC hour's counters per country, kept apart rather than summed: what the operator dashboard
 * plots. Read from the same hourly hashes `/admin/stats` sums (src/stats/counters.ts).
 */
import type { CountryRefusals, MetricCounts, ScopeCounts } from './counters.ts';

export interface CountryHour extends CountryRefusals {
  metrics: MetricCounts;
  /** Codes handed to each channel in the hour, switches included: `{ sms: 40, voice: 2 }`. */
  channels: ScopeCounts;
  /** Channel switches the caller asked for ("call me instead"), by the new channel. */
  switched: ScopeCounts;
  /** The service's own switches (`auto` after a failed SMS), by the new channel. */
  fallbacks: ScopeCounts;
}

/** The counters of one hour, by country. */
export type HourCounters = Map<string, CountryHour>;

export function emptyCountryHour(metrics: MetricCounts): CountryHour {
  return { metrics, refused: {}, shadow: {}, challenged: {}, channels: {}, switched: {}, fallbacks: {} };
}

/**
 * One row per hour and country that had any counter (a row per hour, country and app once the
 * counters carry an app: the row then names it in `app`, and readers group by it when present).
 */
export interface HourlyStatsRow extends MetricCounts {
  /** Start of the UTC hour (ISO 8601). */
  hour: string;
  country: string;
  app?: string;
  /** verified / sent in the hour; null when nothing was sent. */
  verificationRate: number | null;
  refused: ScopeCounts;
  shadow: ScopeCounts;
  challenged: ScopeCounts;
  channels: ScopeCounts;
  switched: ScopeCounts;
  fallbacks: ScopeCounts;
}

export interface HourlyStats {
  hours: number;
  /** Start of the oldest hour (ISO 8601, UTC), as /admin/stats reports it. */
  since: string;
  /** Every hour of the window, oldest first, rows or not: the charts' x axis. */
  hourStarts: string[];
  /** Oldest hour first, then most codes sent first. */
  rows: HourlyStatsRow[];
}
