import type { Rate } from './config.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A rate's window in seconds ('10m' → 600). */
export function windowSeconds(rate: Rate): number {
  const unit = rate.window.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(rate.window.slice(0, -1)) * UNIT_SECONDS[unit];
}
