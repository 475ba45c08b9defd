// Memory and CPU of a process from Linux's /proc, read synchronously at the instant it became
// ready (a few tens of microseconds; an async read would let the process move on meanwhile).
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident set size and CPU time of one process. CPU is the time its threads spent on a CPU,
 * from the scheduler's nanosecond counters (`/proc/<pid>/task/<tid>/schedstat`); where those are
 * absent, user + system time from `/proc/<pid>/stat`, in 10 ms ticks.
 */
export interface ProcessUsage {
  readonly rssBytes: number;
  readonly cpuMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every mainstream Linux. */
const clockTicksPerSecond = 100;

/**
 * Parses `/proc/<pid>/stat` for utime + stime in ms. The command name (field 2) may contain
 * spaces and parentheses, so fields are counted from the last ')'.
 *
 * @example
 * ```ts
 * parseStatCpuMs('42 (node) S 1 42 42 0 -1 4194304 10 0 0 0 7 3 0 0 20 0 11 0 5 0 0'); // 100
 * ```
 */
export function parseStatCpuMs(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

/**
 * Parses the first field of a `schedstat` file: nanoseconds spent on a CPU.
 *
 * @example
 * ```ts
 * parseSchedstatNs('35123456 120000 41\n'); // 35123456
 * ```
 */
export function parseSchedstatNs(schedstat: string): number | undefined {
  const ns = Number(schedstat.slice(0, schedstat.indexOf(' ')));
  return Number.isFinite(ns) && ns >= 0 ? ns : undefined;
}

/**
 * CPU time of every live thread of `pid` in ms, at nanosecond resolution, or undefined without
 * schedstat. Threads that already exited are not counted (Node's stay for the process's life).
 */
function schedstatCpuMs(pid: number): number | undefined {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {
      // The thread ended between the listing and the read.
      continue;
    }
    const threadNs = parseSchedstatNs(text);
    if (threadNs === undefined) return undefined;
    ns += threadNs;
  }
  return ns / 1e6;
}

/**
 * Parses `VmRSS` from `/proc/<pid>/status`, in bytes.
 *
 * @example
 * ```ts
 * parseStatusRssBytes('Name:\tnode\nVmRSS:\t   45056 kB\n'); // 46137344
 * ```
 */
export function parseStatusRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/**
 * RSS and CPU time of `pid`, or undefined where /proc is unavailable or the process is gone.
 *
 * @example
 * ```ts
 * const usage = readProcessUsage(child.pid);
 * ```
 */
export function readProcessUsage(pid: number): ProcessUsage | undefined {
  try {
    const cpuMs = schedstatOrUndefined(pid) ?? parseStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (cpuMs === undefined || rssBytes === undefined) return undefined;
    return { rssBytes, cpuMs };
  } catch {
    return undefined;
  }
}

function schedstatOrUndefined(pid: number): number | undefined {
  try {
    return schedstatCpuMs(pid);
  } catch {
    return undefined;
  }
}
