import type { RoutingCounters } from './routing-counters.ts';

/**
 * Per-country, per-hour counters that show whether codes reach people and get used. A country that
 * is sent many codes but verifies few is the signature of SMS pumping: healthy flows verify 60-80 %
 * of the codes sent, pumped ones next to none (docs/sms-pumping.md).
 */

/**
 * `sent`: codes issued (undone when Plivo refused the SMS). `delivered` / `failed`: final delivery
 * reports (`failed` includes `undelivered`). `verified`: codes approved. `test_sent` /
 * `test_verified`: the same for test numbers (TEST_NUMBERS), counted apart so they never make a
 * country look healthy.
 */
export const STATS_METRICS = [
  'sent',
  'delivered',
  'failed',
  'verified',
  'test_sent',
  'test_verified',
] as const;
export type StatsMetric = (typeof STATS_METRICS)[number];

/** Which hourly counter an event lands in: the number's country and the UTC hour it happened in. */
export interface StatsBucket {
  /** ISO 3166-1 alpha-2 of the phone number; `XX` when it has none (non-geographic or unreadable). */
  country: string;
  /** `YYYYMMDDHH` (UTC) from src/stats/hour-bucket.ts. */
  hourBucket: string;
}

export type MetricCounts = Record<StatsMetric, number>;

/** Summed counters per country over the hours read. */
export type CountsByCountry = Map<string, MetricCounts>;

export function zeroCounts(): MetricCounts {
  return { sent: 0, delivered: 0, failed: 0, verified: 0, test_sent: 0, test_verified: 0 };
}

/** Requests refused (or, in shadow mode, that would have been) per scope: `{ range: 28, ip: 3 }`. */
export type ScopeCounts = Record<string, number>;

/** The send guard's and limits' refusals of one country, summed over the hours read. */
export interface CountryRefusals {
  refused: ScopeCounts;
  shadow: ScopeCounts;
  /** Guard refusals answered with a challenge (TURNSTILE_MODE=pressure), by scope. */
  challenged: ScopeCounts;
}

/**
 * One app's counters over the hours read (docs/apps.md): what it sent and verified, and what the
 * limits and the guard refused or challenged of its requests. Delivery reports are the country's only.
 */
export interface AppCounters extends CountryRefusals {
  sent: number;
  verified: number;
  test_sent: number;
  test_verified: number;
}

export function zeroAppCounters(): AppCounters {
  return { sent: 0, verified: 0, test_sent: 0, test_verified: 0, refused: {}, shadow: {}, challenged: {} };
}

/** Webhook attempts of one hour (docs/events.md): delivered, failed (each failed try), dead (out of retries). */
export interface WebhookCounts {
  delivered: number;
  failed: number;
  dead: number;
}

/** What one read of the hourly hashes gives: counters and refusals per country, webhook attempts per hour. */
export interface HourlyCounters {
  counts: CountsByCountry;
  refusals: Map<string, CountryRefusals>;
  /** Routing's counters and the providers' breakers, read in the same round trip (docs/routing.md). */
  routing?: RoutingCounters | undefined;
  /** By hour bucket (`YYYYMMDDHH`), only the hours that had any. */
  webhooks: Map<string, WebhookCounts>;
  /** By app id (docs/apps.md). Optional so a reader that predates apps still fits; the Upstash reader fills it. */
  apps?: Map<string, AppCounters>;
}
