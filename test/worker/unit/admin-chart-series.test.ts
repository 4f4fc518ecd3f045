import { describe, expect, it } from 'vitest';
import {
  channelChart,
  refusalChart,
  rowsFor,
  trafficChart,
  webhookChart,
  webhookHours,
} from '../../../src/pages/admin/browser/chart-series.ts';
import type { HourlyAppRow, HourlyStats, HourlyStatsRow } from '../../../src/stats/hour-series.ts';

const HOURS = ['2026-12-07T10:00:00.000Z', '2026-12-07T11:00:00.000Z', '2026-12-07T12:00:00.000Z'];

function row(hour: string, country: string, counts: Partial<HourlyStatsRow> = {}): HourlyStatsRow {
  return {
    hour,
    country,
    sent: 0,
    delivered: 0,
    failed: 0,
    verified: 0,
    test_sent: 0,
    test_verified: 0,
    verificationRate: null,
    refused: {},
    shadow: {},
    challenged: {},
    channels: {},
    switched: {},
    fallbacks: {},
    ...counts,
  };
}

const stats = (rows: HourlyStatsRow[], appRows: HourlyAppRow[] = []): HourlyStats => ({
  hours: 3,
  since: HOURS[0] ?? '',
  hourStarts: HOURS,
  rows,
  appRows,
  unavailableRegions: [],
});

describe("the dashboard's chart series", () => {
  it('plots every hour of the window: an hour without rows is 0, and its conversion is none (null), not 0 %', () => {
    const data = stats([
      row(HOURS[0] ?? '', 'US', { sent: 4, verified: 3 }),
      row(HOURS[0] ?? '', 'GB', { sent: 6, verified: 0 }),
      row(HOURS[2] ?? '', 'US', { sent: 2, verified: 2 }),
    ]);
    const traffic = trafficChart(data, data.rows);
    expect(traffic.hours).toEqual(HOURS.map((hour) => Date.parse(hour) / 1000));
    expect(Object.fromEntries(traffic.series.map((series) => [series.label, series.values]))).toEqual({
      sent: [10, 0, 2],
      delivered: [0, 0, 0],
      failed: [0, 0, 0],
      verified: [3, 0, 2],
      conversion: [0.3, null, 1],
    });
  });

  it('names one series per scope and channel found, none for what never happened', () => {
    const data = stats([
      row(HOURS[1] ?? '', 'GB', { refused: { range: 5 }, challenged: { country: 2 }, channels: { sms: 9 } }),
      row(HOURS[2] ?? '', 'US', {
        refused: { phone: 1, range: 1 },
        channels: { sms: 1, voice: 1 },
        fallbacks: { voice: 1 },
      }),
    ]);
    expect(refusalChart(data, data.rows).series.map((series) => [series.label, series.values])).toEqual([
      ['refused phone', [0, 0, 1]],
      ['refused range', [0, 5, 1]],
      ['challenged country', [0, 2, 0]],
    ]);
    expect(channelChart(data, data.rows).series.map((series) => [series.label, series.values])).toEqual([
      ['via sms', [0, 9, 1]],
      ['via voice', [0, 0, 1]],
      ['fallback to voice', [0, 0, 1]],
    ]);
    expect(refusalChart(stats([]), []).series).toEqual([]);
  });

  it("filters by country, or plots one app's rows (all its countries), without delivery series it has none of", () => {
    const data = stats(
      [
        row(HOURS[0] ?? '', 'US', { sent: 3, delivered: 2 }),
        row(HOURS[0] ?? '', 'GB', { sent: 4 }),
        row(HOURS[1] ?? '', 'US', { sent: 8 }),
      ],
      [
        { ...row(HOURS[0] ?? '', ''), app: 'shop', sent: 5, verified: 4 },
        { ...row(HOURS[1] ?? '', ''), app: 'bank', sent: 10 },
      ],
    );
    const sentOf = (rows: { sent: number }[]) => rows.reduce((sum, entry) => sum + entry.sent, 0);
    expect(sentOf(rowsFor(data, { country: '', app: '' }))).toBe(15);
    expect(sentOf(rowsFor(data, { country: 'US', app: '' }))).toBe(11);
    expect(sentOf(rowsFor(data, { country: 'US', app: 'shop' }))).toBe(5);
    const shop = trafficChart(data, rowsFor(data, { country: '', app: 'shop' }), { deliveryReports: false });
    expect(shop.series.map((series) => [series.label, series.values])).toEqual([
      ['sent', [5, 0, 0]],
      ['verified', [4, 0, 0]],
      ['conversion', [0.8, null, null]],
    ]);
  });

  it("reads /admin/stats' webhooks section as a list of hours or an object holding one; absent, none are configured", () => {
    const hours = [{ hour: HOURS[1], delivered: 7, failed: 2, dead: 1 }];
    expect(webhookHours(undefined)).toBeUndefined();
    expect(webhookHours({ delivered: 7 })).toBeUndefined();
    expect(webhookHours(hours)).toEqual(hours);
    expect(webhookHours({ hourly: hours })).toEqual(hours);
    // As /admin/stats reports them: totals, and the hours by their stats bucket.
    const section = {
      delivered: 3,
      failed: 1,
      dead: 1,
      hours: [{ hour: '2026120712', delivered: 3, failed: 1, dead: 1 }],
    };
    expect(
      webhookChart(stats([]), webhookHours(section) ?? []).series.map((series) => series.values),
    ).toEqual([
      [0, 0, 3],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(webhookHours({ delivered: 0, failed: 0, dead: 0, hours: [] })).toEqual([]);
    const chart = webhookChart(stats([]), webhookHours({ hourly: hours }) ?? []);
    expect(chart.series.map((series) => [series.label, series.values])).toEqual([
      ['delivered', [0, 7, 0]],
      ['failed', [0, 2, 0]],
      ['dead', [0, 1, 0]],
    ]);
  });
});
