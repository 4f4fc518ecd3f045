import type { Redis } from '@upstash/redis/cloudflare';
import { LEARNED_VOLUME_DAYS } from '../../otp/fraud-guard-policy.ts';
import type { CellCounts, CountryCells, GuardCellsReader } from '../../otp/ports.ts';
import { guardCellsKey, guardPeakKey, SMS_CHANNEL, utcDayIndex } from './keys.ts';
import { windowPosition } from './sliding-window.ts';
import type { StoreCalls } from './store-call.ts';

/** `c:s`, `o:v`, `h:s`, `t:v`, `b:{block}:s`, `r:{rangeTag}:v` (see guardCellsKey). */
const FIELD = /^(?:(c|o|h|t)|(b|r):(.+)):(s|v)$/;

/**
 * Reads the guard's cells as admit-send weighs them: the current window plus the previous one
 * weighted by the share of it still inside the sliding window. Both hashes of every country go out
 * and its learned peaks in one pipeline.
 */
export function createUpstashGuardCellsReader(
  /** Built on first use: only the admin routes read through a pipeline. */
  redis: () => Redis,
  calls: StoreCalls,
  keyPrefix: string,
  windowSeconds: number,
): GuardCellsReader {
  return {
    async read(countries, nowMs) {
      const cells = new Map<string, CountryCells>();
      if (countries.length === 0) return cells;
      const position = windowPosition(nowMs, windowSeconds);
      const pipeline = redis().pipeline();
      for (const country of countries) {
        pipeline.hgetall(guardCellsKey(keyPrefix, SMS_CHANNEL, country, position.index));
        pipeline.hgetall(guardCellsKey(keyPrefix, SMS_CHANNEL, country, position.previousIndex));
        pipeline.hgetall(guardPeakKey(keyPrefix, country));
      }
      const hashes = await calls.roundTrip(() => pipeline.exec<(Record<string, unknown> | null)[]>());
      for (const [index, country] of countries.entries()) {
        const read: CountryCells = {
          country: { sent: 0, verified: 0 },
          overdraft: { sent: 0, verified: 0 },
          challenged: { sent: 0, verified: 0 },
          trusted: { sent: 0, verified: 0 },
          blocks: new Map(),
          ranges: new Map(),
          learnedPeak: learnedPeak(hashes[3 * index + 2], utcDayIndex(nowMs)),
        };
        addHash(read, hashes[3 * index], 1);
        addHash(read, hashes[3 * index + 1], position.previousWeight);
        cells.set(country, read);
      }
      return cells;
    },
  };
}

function addHash(read: CountryCells, hash: Record<string, unknown> | null | undefined, weight: number) {
  for (const [field, value] of Object.entries(hash ?? {})) {
    const [, whole, kind, id, metric] = FIELD.exec(field) ?? [];
    const count = Number(value) * weight;
    if (!metric || !Number.isFinite(count)) continue;
    let cell: CellCounts | undefined;
    if (whole === 'c') cell = read.country;
    else if (whole === 'o') cell = read.overdraft;
    else if (whole === 'h') cell = read.challenged;
    else if (whole === 't') cell = read.trusted;
    else if (id !== undefined) {
      const byId = kind === 'b' ? read.blocks : read.ranges;
      cell = byId.get(id);
      if (!cell) {
        cell = { sent: 0, verified: 0 };
        byId.set(id, cell);
      }
    }
    if (!cell) continue;
    if (metric === 's') cell.sent += count;
    else cell.verified += count;
  }
}

/** The busiest hour of verified codes over the days admit-send reads (today and the 6 before). */
function learnedPeak(hash: Record<string, unknown> | null | undefined, today: number): number {
  let peak = 0;
  for (const [day, value] of Object.entries(hash ?? {})) {
    const age = today - Number(day);
    if (age >= 0 && age < LEARNED_VOLUME_DAYS) peak = Math.max(peak, Number(value) || 0);
  }
  return peak;
}
