import { describe, expect, it } from 'vitest';
import { parseDeliveryReport } from '../../../src/adapters/plivo/delivery-report.ts';

const UUID = '6f1d3a2e-9c4b-11ef-8a7b-0242ac120002';

describe('parseDeliveryReport', () => {
  it('keeps the country of To and drops the number itself', () => {
    const parsed = parseDeliveryReport([
      ['MessageUUID', UUID.toUpperCase()],
      ['Sequence', '3'],
      ['Status', 'undelivered'],
      ['ErrorCode', '30'],
      ['To', '447400123456'],
    ]);
    expect(parsed).toEqual({
      ok: true,
      report: {
        messageUuid: UUID,
        provider: 'plivo',
        sequence: 3,
        status: 'undelivered',
        errorCode: '30',
        country: 'GB',
        outcome: 'failed',
      },
    });
    expect(JSON.stringify(parsed)).not.toContain('7400123456');
  });

  it('only final statuses move a counter; an unreadable To counts as XX', () => {
    const report = (status: string, to?: string) => {
      const parsed = parseDeliveryReport([
        ['MessageUUID', UUID],
        ['Sequence', '1'],
        ['Status', status],
        ...(to === undefined ? [] : [['To', to] as const]),
      ]);
      return parsed.ok ? parsed.report : undefined;
    };
    expect(report('delivered', '14155552671')).toMatchObject({ outcome: 'delivered', country: 'US' });
    expect(report('failed')).toMatchObject({ outcome: 'failed', country: 'XX' });
    expect(report('queued', 'not-a-number')).toMatchObject({ outcome: undefined, country: 'XX' });
    expect(report('constructor')?.outcome).toBeUndefined();
  });

  it('refuses fields that would not be safe in a Redis key, naming the field but not echoing the value', () => {
    const parsed = parseDeliveryReport([
      ['MessageUUID', 'otp:*'],
      ['Sequence', '-1'],
      ['Status', 'delivered; DROP'],
      ['ErrorCode', 'x'.repeat(40)],
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((issue) => issue.field)).toEqual([
      'MessageUUID',
      'Sequence',
      'Status',
      'ErrorCode',
    ]);
    expect(JSON.stringify(parsed.problems)).not.toContain('otp:*');
  });
});
