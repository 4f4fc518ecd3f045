/** `N/window`, e.g. `10/1h`: at most N events per sliding window (units s, m, h, d). */
export const RATE_PATTERN = /^([1-9][0-9]{0,6})\/([1-9][0-9]{0,4})(s|m|h|d)$/;

/** At most `limit` events per sliding `window` (e.g. '1h', as @upstash/ratelimit spells durations). */
export interface Rate {
  readonly limit: number;
  readonly window: `${number}${'s' | 'm' | 'h' | 'd'}`;
  /** The window in seconds ('10m' → 600). */
  readonly windowSeconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A setting the schema already matched against RATE_PATTERN → its limit and window. */
export function parseRate(raw: string): Rate {
  const [, limit, amount, unit] = RATE_PATTERN.exec(raw) ?? [];
  const perUnit = unit as keyof typeof UNIT_SECONDS;
  return {
    limit: Number(limit),
    window: `${Number(amount)}${perUnit}`,
    windowSeconds: Number(amount) * UNIT_SECONDS[perUnit],
  };
}

/** A guard window: 10-59 minutes, 1-24 hours or 1 day (at least the longest code lifetime, 10 minutes). */
export const GUARD_WINDOW_PATTERN = /^([1-5][0-9]m|[1-9]h|1[0-9]h|2[0-4]h|1d)$/;

/** A duration the schema already matched (`1h`, `30m`, `1d`) → seconds. */
export function parseDurationSeconds(raw: string): number {
  const unit = raw.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(raw.slice(0, -1)) * UNIT_SECONDS[unit];
}
