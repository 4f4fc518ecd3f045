/**
 * Counters are kept per UTC hour. The bucket is computed in the Worker from the injected clock and
 * handed to the scripts as an argument: Lua's own clock cannot be faked in tests, and every
 * counter of one event must land in the same hour whichever script writes it.
 */

const HOUR_MS = 60 * 60 * 1000;

/** `YYYYMMDDHH` of the UTC hour holding `epochMs`, e.g. `2026112205`. */
export function hourBucket(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`;
}

/** The current hour and the `hours - 1` before it, newest first. */
export function recentHourBuckets(nowMs: number, hours: number): string[] {
  return Array.from({ length: hours }, (_, index) => hourBucket(nowMs - index * HOUR_MS));
}

/** Start of the oldest hour in `recentHourBuckets(nowMs, hours)`, as an ISO timestamp. */
export function windowStart(nowMs: number, hours: number): string {
  const oldest = nowMs - (hours - 1) * HOUR_MS;
  return new Date(oldest - (oldest % HOUR_MS)).toISOString();
}

/** The start of a `YYYYMMDDHH` bucket as an ISO timestamp, e.g. `2026-11-22T05:00:00.000Z`. */
export function hourBucketStart(bucket: string): string {
  return `${bucket.slice(0, 4)}-${bucket.slice(4, 6)}-${bucket.slice(6, 8)}T${bucket.slice(8, 10)}:00:00.000Z`;
}
