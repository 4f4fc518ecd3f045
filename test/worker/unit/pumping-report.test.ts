import { describe, expect, it } from 'vitest';
import { type MetricCounts, zeroCounts } from '../../../src/stats/counters.ts';
import { hourBucket, recentHourBuckets, windowStart } from '../../../src/stats/hour-bucket.ts';
import { buildStatsReport } from '../../../src/stats/pumping-report.ts';

const thresholds = { minSent: 20, verifyRateThreshold: 0.2 };

function counts(entries: Record<string, Partial<MetricCounts>>) {
  return new Map(
    Object.entries(entries).map(([country, metrics]) => [country, { ...zeroCounts(), ...metrics }]),
  );
}

describe('the pumping flag', () => {
  it('flags from PUMPING_MIN_SENT codes sent and a verification rate strictly under the threshold', () => {
    const report = buildStatsReport(
      counts({
        AA: { sent: 20, verified: 3 },
        BB: { sent: 20, verified: 4 },
        CC: { sent: 19, verified: 0 },
        DD: { sent: 0 },
      }),
      thresholds,
    );
    const flags = Object.fromEntries(report.countries.map((entry) => [entry.country, entry.flagged]));
    expect(flags).toEqual({ AA: true, BB: false, CC: false, DD: false });
    expect(report.countries.find((entry) => entry.country === 'AA')?.reason).toContain('15 % of 20 codes');
  });

  it('rates are null when nothing was sent, and totals add up every country', () => {
    const report = buildStatsReport(
      counts({ AA: { delivered: 1 }, BB: { sent: 4, verified: 1, delivered: 2 } }),
      thresholds,
    );
    expect(report.countries.find((entry) => entry.country === 'AA')).toMatchObject({
      verificationRate: null,
      deliveryRate: null,
    });
    expect(report.totals).toEqual({
      sent: 4,
      delivered: 3,
      failed: 0,
      verified: 1,
      test_sent: 0,
      test_verified: 0,
      verificationRate: 0.25,
      deliveryRate: 0.75,
    });
  });
});

describe('hour buckets', () => {
  it('are UTC hours, newest first, and the window starts at the top of the oldest hour', () => {
    const at = Date.UTC(2026, 0, 1, 0, 30);
    expect(hourBucket(at)).toBe('2026010100');
    expect(recentHourBuckets(at, 3)).toEqual(['2026010100', '2025123123', '2025123122']);
    expect(windowStart(at, 3)).toBe('2025-12-31T22:00:00.000Z');
  });
});
