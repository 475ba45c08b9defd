import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseV1Limit, parseV2Limit, readCgroupMemoryLimit } from './cgroup-memory-limit.ts';

const dirs: string[] = [];

/** A fake /sys/fs/cgroup and /proc/self/cgroup written as real files. */
function fixture(files: Record<string, string>, selfCgroup: string): { root: string; selfCgroup: string } {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-cgroup-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'sys', path)), { recursive: true });
    writeFileSync(join(dir, 'sys', path), text);
  }
  writeFileSync(join(dir, 'self-cgroup'), selfCgroup);
  return { root: join(dir, 'sys'), selfCgroup: join(dir, 'self-cgroup') };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the cgroup v2 memory limit', () => {
  it("reads memory.max at the mount's root, as a container with its own cgroup namespace sees it", () => {
    const files = fixture(
      { 'cgroup.controllers': 'cpu memory pids\n', 'memory.max': '134217728\n' },
      '0::/\n',
    );
    expect(readCgroupMemoryLimit(files)).toEqual({
      limitBytes: 134_217_728,
      source: 'cgroup-v2',
      file: join(files.root, 'memory.max'),
    });
  });

  it("reads the process's own cgroup first when the mount shows the whole tree", () => {
    const files = fixture(
      {
        'cgroup.controllers': 'cpu memory\n',
        'memory.max': 'max\n',
        'kubepods/pod1/ctr/memory.max': '268435456\n',
      },
      '0::/kubepods/pod1/ctr\n',
    );
    expect(readCgroupMemoryLimit(files).limitBytes).toBe(268_435_456);
  });

  it('"max" is no limit', () => {
    const files = fixture({ 'cgroup.controllers': 'memory\n', 'memory.max': 'max\n' }, '0::/\n');
    expect(readCgroupMemoryLimit(files)).toMatchObject({ limitBytes: undefined, source: 'cgroup-v2' });
  });

  it('parses memory.max values', () => {
    expect(parseV2Limit('134217728\n')).toBe(134_217_728);
    expect(parseV2Limit('max')).toBeUndefined();
    expect(parseV2Limit('')).toBeUndefined();
    expect(parseV2Limit('garbage')).toBeUndefined();
  });
});

describe('the cgroup v1 memory limit', () => {
  it("reads memory/memory.limit_in_bytes at the mount's root, as a container sees its own cgroup", () => {
    const files = fixture(
      { 'memory/memory.limit_in_bytes': '134217728\n' },
      '4:memory:/libpod_parent/libpod-abc\n0::/\n',
    );
    expect(readCgroupMemoryLimit(files)).toEqual({
      limitBytes: 134_217_728,
      source: 'cgroup-v1',
      file: join(files.root, 'memory', 'memory.limit_in_bytes'),
    });
  });

  it("reads the process's own memory cgroup first on a host", () => {
    const files = fixture(
      {
        'memory/memory.limit_in_bytes': '9223372036854771712\n',
        'memory/kubepods/pod1/memory.limit_in_bytes': '536870912\n',
      },
      '9:cpu,cpuacct:/kubepods/pod1\n4:memory:/kubepods/pod1\n',
    );
    expect(readCgroupMemoryLimit(files).limitBytes).toBe(536_870_912);
  });

  it("the page counter's maximum is no limit", () => {
    expect(parseV1Limit('9223372036854771712\n')).toBeUndefined();
    expect(parseV1Limit('9223372036854775807')).toBeUndefined();
    expect(parseV1Limit('268435456')).toBe(268_435_456);
  });

  it('no memory cgroup at all is no limit', () => {
    const files = fixture({}, '');
    expect(readCgroupMemoryLimit(files)).toEqual({ limitBytes: undefined, source: 'none' });
  });

  it("reads this machine's real cgroup without failing", () => {
    const limit = readCgroupMemoryLimit();
    expect(['cgroup-v1', 'cgroup-v2', 'none']).toContain(limit.source);
    if (limit.limitBytes !== undefined) expect(limit.limitBytes).toBeGreaterThan(0);
  });
});
