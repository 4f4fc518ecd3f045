import type { DependencySpan, DependencyTimer } from '../otp/ports.ts';

/**
 * Where a request's time went, for the `Server-Timing` header every answer carries and for the
 * request's log line (docs/observability.md):
 *
 * - `store`, `provider`, `siteverify`: wall time awaiting that dependency, summed over its calls;
 *   a span appears only when the request called it.
 * - `worker`: `total` minus the time any dependency was awaited (their union, so overlapping calls
 *   count once): the Worker's own time as its clock sees it. On Cloudflare the clock stands still
 *   while code runs and moves on I/O, so this is time spent waiting for the isolate rather than
 *   CPU time; CPU is measured by the bench (bench/results.md).
 * - `total`: from the first middleware to the response.
 *
 * What a browser may see: names from this fixed list and whole milliseconds, nothing else. No
 * descriptions (no hostnames, regions, key names, provider names or round-trip counts), and no
 * sub-millisecond precision: the code comparison happens inside the store's script, and a client
 * that could read the store's time to the microsecond would have a cleaner clock on it than the
 * response time it already has. Everything here is otherwise visible as latency: a request that
 * reached the provider took its time either way. No `Timing-Allow-Origin`, and the header is not in
 * `Access-Control-Expose-Headers`, so another origin's script cannot read it.
 */
export interface RequestTimings extends DependencyTimer {
  /** Whole milliseconds per span, `worker` and `total` included, at the moment of the call. */
  spans(): Record<string, number>;
}

const ORDER: readonly DependencySpan[] = ['store', 'provider', 'siteverify'];

export function createRequestTimings(now: () => number = () => performance.now()): RequestTimings {
  const started = now();
  const awaited = new Map<DependencySpan, number>();
  let inFlight = 0;
  let ioSince = 0;
  let ioTotal = 0;
  return {
    async time(span, call) {
      const callStarted = now();
      if (inFlight++ === 0) ioSince = callStarted;
      try {
        return await call();
      } finally {
        const ended = now();
        awaited.set(span, (awaited.get(span) ?? 0) + (ended - callStarted));
        if (--inFlight === 0) ioTotal += ended - ioSince;
      }
    },
    spans() {
      const at = now();
      const total = at - started;
      const io = ioTotal + (inFlight > 0 ? at - ioSince : 0);
      const spans: Record<string, number> = {};
      for (const span of ORDER) {
        const ms = awaited.get(span);
        if (ms !== undefined) spans[span] = Math.round(ms);
      }
      spans.worker = Math.round(Math.max(0, total - io));
      spans.total = Math.round(total);
      return spans;
    },
  };
}

/** `store;dur=21, worker;dur=1, total;dur=22` (RFC: W3C Server Timing). */
export function serverTimingHeader(spans: Record<string, number>): string {
  return Object.entries(spans)
    .map(([name, ms]) => `${name};dur=${ms}`)
    .join(', ');
}
