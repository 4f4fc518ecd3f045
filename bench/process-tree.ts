/** What the bench reads about `wrangler dev` and the processes below it (workerd), from /proc. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessInfo {
  pid: number;
  name: string;
  rssKiB: number;
  cpuMs: number;
}

/** Linux only: `rootPid` and every process whose ancestry leads to it, from /proc; [] elsewhere. */
export function processTree(rootPid: number): ProcessInfo[] {
  const all = new Map<number, ProcessInfo & { parent: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid ... utime stime ...`; comm may contain spaces and parentheses, so
      // split after the last ')': fields from `state` on, utime and stime are fields 14 and 15.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      all.set(Number(entry), {
        pid: Number(entry),
        name: stat.slice(stat.indexOf('(') + 1, close),
        parent: Number(fields[1]),
        rssKiB: Number(rss ?? 0),
        cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
      });
    } catch {
      // Exited while we looked.
    }
  }
  const inTree = (pid: number) => {
    for (
      let current: number | undefined = pid;
      current !== undefined && current > 1;
      current = all.get(current)?.parent
    ) {
      if (current === rootPid) return true;
    }
    return false;
  };
  return [...all.values()]
    .filter((process) => inTree(process.pid))
    .map(({ pid, name, rssKiB, cpuMs }) => ({ pid, name, rssKiB, cpuMs }))
    .sort((a, b) => a.pid - b.pid);
}

/**
 * CPU time in nanoseconds every thread of `pid` has run so far (the first field of each
 * /proc/<pid>/task/<tid>/schedstat): far finer than /proc/<pid>/stat's 10 ms ticks, so a batch of
 * a few hundred calls is measured to the microsecond per call. Threads that exited are gone from
 * the sum; workerd keeps its threads for its lifetime.
 */
export function threadCpuNs(pid: number): number {
  let total = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // Exited while we read.
    }
  }
  return total;
}
