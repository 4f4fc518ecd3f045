/**
 * What `npm run dev` shows of `wrangler dev`'s own output. Wrangler prints some 60 lines before the
 * Worker answers: a banner with an update notice, the custom build's progress, where secrets came
 * from, and a table of every binding, one line per setting. dev.ts prints the URLs itself once the
 * Worker answers, so of all that only what the developer must act on goes through:
 * - wrangler's `[WARNING]` and `[ERROR]` notices, whole (the marker line and its indented body);
 * - the Worker's own log lines, except the 200s of the readiness probe's `/health` (until just after
 *   the Worker is ready).
 * Always dropped: the banner, the custom build's progress, "Using secrets defined in", the bindings
 * table (also when wrangler reloads), "Starting/Reloading local server", wrangler's "Ready on" line and
 * its access line per request (the Worker writes one JSON line per request itself). Before the
 * Worker is ready, blank lines are dropped too. The full output stays available for an error
 * message if wrangler exits before it answers (SupervisedChild.output()).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler colours its output with ANSI escapes
const ANSI = /\x1b\[[0-9;]*m/g;
const NOTICE = /\[(WARNING|ERROR)\]/;
const BINDINGS_HEADER = /^Your Worker has access to the following bindings:/;
const ALWAYS_DROPPED = [
  /^\s*⛅️ wrangler /,
  /^─+$/,
  /^\[custom build\]/,
  /^Using (secrets|vars) defined in /,
  /^⎔ (Starting|Reloading) local server/,
  /^\[wrangler:info\] Ready on /,
  // Wrangler's access line, e.g. `[wrangler:info] POST /otp/request 200 OK (53ms)`.
  /^\[wrangler:info\] [A-Z]+ \S+ \d{3} /,
];
// The readiness probe's own requests, as the Worker logs them. A request's line is written after its
// response, so the last probe's line can arrive just after the Worker was found ready.
const HEALTH_PROBE = /^\{.*"route":"\/health","status":200[,}]/;
const PROBE_LINE_GRACE_MS = 2_000;

export interface DevOutputFilter {
  /** Whether to print this line. */
  keep(line: string): boolean;
  /** The Worker answers: from now on its log lines all go through. */
  ready(): void;
}

export function createDevOutputFilter(now: () => number = Date.now): DevOutputFilter {
  let readyAt: number | undefined;
  let inNotice = false;
  let inBindings = false;
  return {
    keep(raw) {
      const line = raw.replace(ANSI, '');
      if (inNotice) {
        if (line.trim() === '' || /^\s/.test(line)) return true;
        inNotice = false;
      }
      if (inBindings) {
        if (line.trim() === '') inBindings = false;
        return false;
      }
      if (NOTICE.test(line)) {
        inNotice = true;
        return true;
      }
      if (BINDINGS_HEADER.test(line)) {
        inBindings = true;
        return false;
      }
      if (ALWAYS_DROPPED.some((pattern) => pattern.test(line))) return false;
      if (readyAt === undefined && line.trim() === '') return false;
      if (HEALTH_PROBE.test(line) && (readyAt === undefined || now() - readyAt < PROBE_LINE_GRACE_MS))
        return false;
      return true;
    },
    ready() {
      readyAt = now();
    },
  };
}
