/**
 * One UTC hour's counters per country (and per app), kept apart rather than summed: what the
 * operator dashboard plots. Read from the same hourly hashes `/admin/stats` sums (src/stats/counters.ts).
 */
import type { CountryRefusals, MetricCounts, ScopeCounts } from './counters.ts';

/** One hour's counters of one country or one app. */
export interface HourTally extends CountryRefusals {
  metrics: MetricCounts;
  /** Codes handed to each channel in the hour, switches included: `{ sms: 40, voice: 2 }`. */
  channels: ScopeCounts;
  /** Channel switches the caller asked for ("call me instead"), by the new channel. */
  switched: ScopeCounts;
  /** The service's own switches (`auto` after a failed SMS), by the new channel. */
  fallbacks: ScopeCounts;
}

/**
 * The counters of one hour, by country, and by app in a deployment that counts per app (fields
 * `@{app}:…`; apps are counted as a whole, not per country, and without delivery reports).
 */
export interface HourCounters {
  countries: Map<string, HourTally>;
  apps: Map<string, HourTally>;
}

export function emptyHourTally(metrics: MetricCounts): HourTally {
  return { metrics, refused: {}, shadow: {}, challenged: {}, channels: {}, switched: {}, fallbacks: {} };
}

/** One hour's counts of one country or one app. */
export interface HourlyCounts extends MetricCounts {
  /** Start of the UTC hour (ISO 8601). */
  hour: string;
  /** verified / sent in the hour; null when nothing was sent. */
  verificationRate: number | null;
  refused: ScopeCounts;
  shadow: ScopeCounts;
  challenged: ScopeCounts;
  channels: ScopeCounts;
  switched: ScopeCounts;
  fallbacks: ScopeCounts;
}

/** One hour of one country: a country's rows over `hours` add up to its line in /admin/stats. */
export interface HourlyStatsRow extends HourlyCounts {
  country: string;
}

/** One hour of one app, all countries together (`delivered` and `failed` are per country only: 0). */
export interface HourlyAppRow extends HourlyCounts {
  app: string;
}

export interface HourlyStats {
  hours: number;
  /** Start of the oldest hour (ISO 8601, UTC), as /admin/stats reports it. */
  since: string;
  /** Every hour of the window, oldest first, rows or not: the charts' x axis. */
  hourStarts: string[];
  /** Per hour and country: oldest hour first, then most codes sent first. */
  rows: HourlyStatsRow[];
  /** Per hour and app, the same order; empty in a deployment that does not count per app. */
  appRows: HourlyAppRow[];
  /** Store regions that did not answer: their countries' rows are missing (docs/regions.md). */
  unavailableRegions: string[];
}
