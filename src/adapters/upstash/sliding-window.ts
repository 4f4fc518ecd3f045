/**
 * Where `nowMs` falls in fixed windows of `windowSeconds`, as @upstash/ratelimit's slidingWindow
 * reads them: the count is the current window's plus the previous window's weighted by the share
 * of it still inside the sliding window. Computed in the Worker from its clock (never Lua's), so
 * tests can move time and every key of one request agrees on the window.
 */
export interface WindowPosition {
  index: number;
  previousIndex: number;
  /** 1 at the start of the current window, 0 at its end. */
  previousWeight: number;
  /** Until the current window ends: when a refused caller may look again. Never 0. */
  retryAfterSeconds: number;
}

export function windowPosition(nowMs: number, windowSeconds: number): WindowPosition {
  const windowMs = windowSeconds * 1000;
  const index = Math.floor(nowMs / windowMs);
  const elapsedMs = nowMs - index * windowMs;
  return {
    index,
    previousIndex: index - 1,
    previousWeight: 1 - elapsedMs / windowMs,
    retryAfterSeconds: Math.max(1, Math.ceil((windowMs - elapsedMs) / 1000)),
  };
}
