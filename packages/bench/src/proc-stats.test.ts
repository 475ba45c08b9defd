import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSchedstatNs, parseStatCpuMs, parseStatusRssBytes, readProcessUsage } from './proc-stats.ts';

describe('/proc usage', () => {
  it('counts stat fields after the command name even when it holds spaces and parentheses', () => {
    expect(parseStatCpuMs('42 (my (odd) app) S 1 42 42 0 -1 4194304 10 0 0 0 7 3 0 0 20 0 11 0 5 0 0')).toBe(
      100,
    );
  });

  it('reads the nanoseconds on a CPU from schedstat', () => {
    expect(parseSchedstatNs('35123456 120000 41\n')).toBe(35_123_456);
    expect(parseSchedstatNs('garbage')).toBeUndefined();
  });

  it.runIf(existsSync('/proc/self/task'))('reads CPU finer than the 10 ms ticks of /proc/<pid>/stat', () => {
    const cpuMs = readProcessUsage(process.pid)?.cpuMs ?? 0;
    // A multiple of 10 ms would mean the tick counter answered (odds of a coincidence: ~1e-7).
    expect(cpuMs % 10).not.toBe(0);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmPeak:\t 9 kB\nVmRSS:\t   45056 kB\n')).toBe(45056 * 1024);
    expect(parseStatusRssBytes('Name:\tkthread\n')).toBeUndefined();
  });

  it.runIf(existsSync('/proc/self/stat'))('reads plausible figures for this very process', () => {
    const usage = readProcessUsage(process.pid);
    expect(usage?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage?.cpuMs).toBeGreaterThan(0);
    expect(readProcessUsage(2 ** 22 + 12345)).toBeUndefined();
  });
});
