import type { CellCounts } from './ports.ts';

/** One guard cell as operators read it: the same arithmetic admit-send applies. */
export interface CellBudget {
  /** Codes sent and not verified in the sliding window (`u = s - v`). */
  unverified: number;
  verified: number;
  /** `base + credit * v`: the cell admits a send while `unverified` is below it. */
  limit: number;
  /** At or over its limit: the cell refuses (a country then lends from its overdraft to clean blocks). */
  underPressure: boolean;
}

export function cellBudget(cell: CellCounts, base: number, credit: number): CellBudget {
  const unverified = Math.max(0, cell.sent - cell.verified);
  const limit = base + credit * cell.verified;
  return {
    unverified: round(unverified),
    verified: round(cell.verified),
    limit: round(limit),
    underPressure: unverified >= limit,
  };
}

/** Weighted counts are fractional; two decimals say enough. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
