/**
 * Turns the hourly rows of GET /admin/stats/hourly into the series each chart plots: one value per
 * hour of the window (0 for an hour without a row), the very numbers the chart's table lists.
 * Pure, so the test's comparison with /admin/stats checks what the operator sees.
 */
import type { HourlyCounts, HourlyStats } from '../../../stats/hour-series.ts';

export interface Series {
  /** `sent`, `refused range`, `via sms`, … : the legend and the table's column. */
  label: string;
  values: (number | null)[];
  /** `rate`: a share from 0 to 1 on the right-hand axis; `count` on the left. */
  axis: 'count' | 'rate';
}

export interface ChartData {
  /** Start of each hour, epoch seconds (uPlot's time axis). */
  hours: number[];
  series: Series[];
}

export interface RowFilter {
  country: string;
  app: string;
}

/**
 * The rows the charts plot: one app's (all countries together) when an app is chosen, else one
 * country's or every country's ('' for all).
 */
export function rowsFor(stats: HourlyStats, filter: RowFilter): HourlyCounts[] {
  if (filter.app !== '') return stats.appRows.filter((row) => row.app === filter.app);
  return stats.rows.filter((row) => filter.country === '' || row.country === filter.country);
}

function hoursOf(stats: Pick<HourlyStats, 'hourStarts'>): number[] {
  return stats.hourStarts.map((start) => Date.parse(start) / 1000);
}

/** Sums `pick(row)` per hour of the window. */
function perHour(
  stats: Pick<HourlyStats, 'hourStarts'>,
  rows: readonly HourlyCounts[],
  pick: (row: HourlyCounts) => number,
): number[] {
  const index = new Map(stats.hourStarts.map((start, position) => [start, position]));
  const values = stats.hourStarts.map(() => 0);
  for (const row of rows) {
    const position = index.get(row.hour);
    if (position !== undefined) values[position] = (values[position] ?? 0) + pick(row);
  }
  return values;
}

/** Codes sent, delivered, failed, verified per hour, and verified / sent (null in an hour with none sent). */
export function trafficChart(
  stats: HourlyStats,
  rows: readonly HourlyCounts[],
  options: { deliveryReports: boolean } = { deliveryReports: true },
): ChartData {
  const sent = perHour(stats, rows, (row) => row.sent);
  const verified = perHour(stats, rows, (row) => row.verified);
  // Delivery reports are counted per country only: an app's rows have none to plot.
  const delivery: Series[] = options.deliveryReports
    ? [
        { label: 'delivered', values: perHour(stats, rows, (row) => row.delivered), axis: 'count' },
        { label: 'failed', values: perHour(stats, rows, (row) => row.failed), axis: 'count' },
      ]
    : [];
  return {
    hours: hoursOf(stats),
    series: [
      { label: 'sent', values: sent, axis: 'count' },
      ...delivery,
      { label: 'verified', values: verified, axis: 'count' },
      {
        label: 'conversion',
        values: sent.map((count, hour) =>
          count > 0 ? Math.round(((verified[hour] ?? 0) / count) * 10_000) / 10_000 : null,
        ),
        axis: 'rate',
      },
    ],
  };
}

type CountGroup = 'refused' | 'challenged' | 'shadow' | 'channels' | 'fallbacks' | 'switched';

/** One series per name found in these groups of the rows, e.g. `refused range`, `challenged country`. */
function groupedChart(
  stats: HourlyStats,
  rows: readonly HourlyCounts[],
  groups: readonly { group: CountGroup; prefix: string }[],
): ChartData {
  const series: Series[] = [];
  for (const { group, prefix } of groups) {
    const names = [...new Set(rows.flatMap((row) => Object.keys(row[group])))].sort();
    for (const name of names) {
      series.push({
        label: `${prefix} ${name}`,
        values: perHour(stats, rows, (row) => row[group][name] ?? 0),
        axis: 'count',
      });
    }
  }
  return { hours: hoursOf(stats), series };
}

export function refusalChart(stats: HourlyStats, rows: readonly HourlyCounts[]): ChartData {
  return groupedChart(stats, rows, [
    { group: 'refused', prefix: 'refused' },
    { group: 'challenged', prefix: 'challenged' },
    { group: 'shadow', prefix: 'would refuse' },
  ]);
}

export function channelChart(stats: HourlyStats, rows: readonly HourlyCounts[]): ChartData {
  return groupedChart(stats, rows, [
    { group: 'channels', prefix: 'via' },
    { group: 'fallbacks', prefix: 'fallback to' },
    { group: 'switched', prefix: 'switched to' },
  ]);
}

/** One hour of event webhook deliveries, as /admin/stats reports them when webhooks are configured. */
export interface WebhookHour {
  hour: string;
  delivered: number;
  failed: number;
  dead: number;
}

/** An hour as a `YYYYMMDDHH` stats bucket or an ISO timestamp, in epoch ms (NaN when neither). */
function hourMs(hour: string): number {
  const bucket = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.test(hour)
    ? `${hour.slice(0, 4)}-${hour.slice(4, 6)}-${hour.slice(6, 8)}T${hour.slice(8, 10)}:00:00Z`
    : hour;
  return Date.parse(bucket);
}

/**
 * The `webhooks` section of /admin/stats, when the deployment has one: a list of hours, or an
 * object holding one (`{ delivered, failed, dead, hours: [...] }`), each hour named by its ISO
 * start or its `YYYYMMDDHH` bucket. Anything else reads as none configured.
 */
export function webhookHours(section: unknown): WebhookHour[] | undefined {
  const list = Array.isArray(section)
    ? section
    : typeof section === 'object' && section !== null
      ? Object.values(section).find(Array.isArray)
      : undefined;
  if (!list) return undefined;
  return list
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
    .map((entry) => ({
      hour: String(entry.hour ?? ''),
      delivered: Number(entry.delivered ?? 0),
      failed: Number(entry.failed ?? 0),
      dead: Number(entry.dead ?? 0),
    }));
}

export function webhookChart(stats: HourlyStats, hours: readonly WebhookHour[]): ChartData {
  const at = (pick: (hour: WebhookHour) => number) =>
    stats.hourStarts.map((start) =>
      hours
        .filter((hour) => hourMs(hour.hour) === Date.parse(start))
        .reduce((sum, hour) => sum + pick(hour), 0),
    );
  return {
    hours: hoursOf(stats),
    series: [
      { label: 'delivered', values: at((hour) => hour.delivered), axis: 'count' },
      { label: 'failed', values: at((hour) => hour.failed), axis: 'count' },
      { label: 'dead', values: at((hour) => hour.dead), axis: 'count' },
    ],
  };
}
